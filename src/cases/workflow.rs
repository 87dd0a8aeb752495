//! The case workflow as plain rules, apart from the database: which step may
//! follow which status, who may take it, and the closure rules. Everything
//! here is a pure function, tested for every transition.
//!
//! new → assessment → case plan → in services → monitoring → closed (→ reopened
//! into assessment). A plan is submitted and then approved or rejected by the
//! supervisor; a closure is requested and then approved or rejected by the
//! supervisor; both keep their history on the case timeline.

use chrono::NaiveDate;

use super::model::{CaseStatus, ClosureReason};
use crate::children::model::age_on;

crate::text_enum! {
    /// A step of the workflow, as the case page's forms name it.
    pub enum Step ("case-step") {
        StartAssessment = "start_assessment",
        RecordAssessment = "record_assessment",
        SubmitPlan = "submit_plan",
        ApprovePlan = "approve_plan",
        RejectPlan = "reject_plan",
        StartMonitoring = "start_monitoring",
        RequestClosure = "request_closure",
        ApproveClosure = "approve_closure",
        RejectClosure = "reject_closure",
        Reopen = "reopen",
    }
}

/// What the workflow needs to know of a case to judge a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseState {
    pub status: CaseStatus,
    pub assigned: bool,
    pub plan_pending: bool,
    pub closure_pending: bool,
}

impl Step {
    /// Steps only the unit's supervisor takes: the decisions, and undoing one.
    pub fn needs_supervisor(self) -> bool {
        matches!(
            self,
            Step::ApprovePlan
                | Step::RejectPlan
                | Step::ApproveClosure
                | Step::RejectClosure
                | Step::Reopen
        )
    }

    /// The status after this step, or the message key saying why it cannot
    /// be taken now.
    pub fn next(self, state: CaseState) -> Result<CaseStatus, &'static str> {
        use CaseStatus::*;
        let s = state.status;
        if s == Closed && self != Step::Reopen {
            return Err("error-step-case-closed");
        }
        match self {
            Step::StartAssessment if s == New => {
                if state.assigned {
                    Ok(Assessment)
                } else {
                    Err("error-step-unassigned")
                }
            }
            Step::RecordAssessment if s == Assessment => Ok(CasePlan),
            Step::SubmitPlan if s == CasePlan && !state.plan_pending => Ok(CasePlan),
            Step::SubmitPlan if s == CasePlan => Err("error-step-plan-pending"),
            Step::ApprovePlan | Step::RejectPlan if s == CasePlan && !state.plan_pending => {
                Err("error-step-no-plan")
            }
            Step::ApprovePlan if s == CasePlan => Ok(InServices),
            Step::RejectPlan if s == CasePlan => Ok(CasePlan),
            Step::StartMonitoring if s == InServices => Ok(Monitoring),
            Step::RequestClosure if state.closure_pending => Err("error-step-closure-pending"),
            Step::RequestClosure => Ok(s),
            Step::ApproveClosure | Step::RejectClosure if !state.closure_pending => {
                Err("error-step-no-closure")
            }
            Step::ApproveClosure => Ok(Closed),
            Step::RejectClosure => Ok(s),
            Step::Reopen if s == Closed => Ok(Assessment),
            _ => Err("error-step-not-now"),
        }
    }
}

/// How long each stage may take before the case shows as overdue (settings).
#[derive(Debug, Clone, Copy)]
pub struct Deadlines {
    pub assessment_days: u32,
    pub plan_days: u32,
    pub follow_up_days: u32,
}

impl Deadlines {
    pub fn from_config(config: &crate::config::Config) -> Deadlines {
        Deadlines {
            assessment_days: config.assessment_days,
            plan_days: config.plan_days,
            follow_up_days: config.monitoring_min_days,
        }
    }

    /// When the next step of a case entering `status` on `from` is due: the
    /// assessment, the approved plan, or the next follow-up visit.
    pub fn due(self, status: CaseStatus, from: NaiveDate) -> Option<NaiveDate> {
        let days = match status {
            CaseStatus::New | CaseStatus::Assessment => self.assessment_days,
            CaseStatus::CasePlan => self.plan_days,
            CaseStatus::InServices | CaseStatus::Monitoring => self.follow_up_days,
            CaseStatus::Closed => return None,
        };
        from.checked_add_days(chrono::Days::new(u64::from(days)))
    }
}

/// One follow-up visit, as the monitoring rule reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visit {
    pub on: NaiveDate,
    pub still_working: bool,
}

/// The monitoring rule (DESIGN §2): the last `visits` follow-ups all found the
/// child out of child labor, each at least `min_days` after the one before.
pub fn monitoring_rule_holds(visits_newest_first: &[Visit], visits: u32, min_days: u32) -> bool {
    let needed = visits.max(1) as usize;
    if visits_newest_first.len() < needed {
        return false;
    }
    let last = &visits_newest_first[..needed];
    last.iter().all(|v| !v.still_working)
        && last
            .windows(2)
            .all(|pair| (pair[0].on - pair[1].on).num_days() >= i64::from(min_days))
}

/// Settings the closure rules read.
#[derive(Debug, Clone, Copy)]
pub struct ClosureRules {
    pub visits: u32,
    pub min_days: u32,
}

/// May a case close for `reason`? `Err` is the message key to show by the
/// reason field (or the note field, for the reasons that need one).
pub fn closure_allowed(
    rules: ClosureRules,
    status: CaseStatus,
    reason: ClosureReason,
    note: &str,
    birth_date: NaiveDate,
    today: NaiveDate,
    visits_newest_first: &[Visit],
) -> Result<(), (&'static str, &'static str)> {
    match reason {
        // Withdrawn is the outcome of monitoring: after the services, the
        // visits show the child stayed out of work.
        ClosureReason::Withdrawn if status != CaseStatus::Monitoring => {
            Err(("closure_reason", "error-closure-not-monitoring"))
        }
        ClosureReason::Withdrawn => {
            if monitoring_rule_holds(visits_newest_first, rules.visits, rules.min_days) {
                Ok(())
            } else {
                Err(("closure_reason", "error-closure-monitoring"))
            }
        }
        ClosureReason::Turned18 => {
            if age_on(birth_date, today) >= 18 {
                Ok(())
            } else {
                Err(("closure_reason", "error-closure-not-18"))
            }
        }
        // The other reasons are facts the worker states: they must say what
        // happened, for whoever reads the case later.
        _ if note.trim().is_empty() => Err(("closure_note", "error-closure-note-required")),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseStatus::*;

    fn state(status: CaseStatus) -> CaseState {
        CaseState {
            status,
            assigned: true,
            plan_pending: false,
            closure_pending: false,
        }
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_main_path_runs_from_new_to_monitoring() {
        assert_eq!(Step::StartAssessment.next(state(New)), Ok(Assessment));
        assert_eq!(Step::RecordAssessment.next(state(Assessment)), Ok(CasePlan));
        assert_eq!(Step::SubmitPlan.next(state(CasePlan)), Ok(CasePlan));
        let pending = CaseState {
            plan_pending: true,
            ..state(CasePlan)
        };
        assert_eq!(Step::ApprovePlan.next(pending), Ok(InServices));
        assert_eq!(Step::RejectPlan.next(pending), Ok(CasePlan));
        assert_eq!(
            Step::StartMonitoring.next(state(InServices)),
            Ok(Monitoring)
        );
        assert_eq!(Step::Reopen.next(state(Closed)), Ok(Assessment));
    }

    #[test]
    fn steps_out_of_order_are_refused() {
        let unassigned = CaseState {
            assigned: false,
            ..state(New)
        };
        assert_eq!(
            Step::StartAssessment.next(unassigned),
            Err("error-step-unassigned")
        );
        assert_eq!(
            Step::RecordAssessment.next(state(New)),
            Err("error-step-not-now")
        );
        assert_eq!(
            Step::ApprovePlan.next(state(CasePlan)),
            Err("error-step-no-plan")
        );
        assert_eq!(
            Step::StartMonitoring.next(state(CasePlan)),
            Err("error-step-not-now")
        );
        assert_eq!(
            Step::Reopen.next(state(Monitoring)),
            Err("error-step-not-now")
        );
        for step in Step::ALL {
            if *step != Step::Reopen {
                assert_eq!(step.next(state(Closed)), Err("error-step-case-closed"));
            }
        }
        let submitted = CaseState {
            plan_pending: true,
            ..state(CasePlan)
        };
        assert_eq!(
            Step::SubmitPlan.next(submitted),
            Err("error-step-plan-pending")
        );
    }

    #[test]
    fn closure_is_requested_then_decided() {
        for status in [New, Assessment, CasePlan, InServices, Monitoring] {
            assert_eq!(Step::RequestClosure.next(state(status)), Ok(status));
            assert_eq!(
                Step::ApproveClosure.next(state(status)),
                Err("error-step-no-closure")
            );
            let pending = CaseState {
                closure_pending: true,
                ..state(status)
            };
            assert_eq!(Step::ApproveClosure.next(pending), Ok(Closed));
            assert_eq!(Step::RejectClosure.next(pending), Ok(status));
            assert_eq!(
                Step::RequestClosure.next(pending),
                Err("error-step-closure-pending")
            );
        }
    }

    #[test]
    fn only_decisions_need_the_supervisor() {
        let decisions: Vec<_> = Step::ALL.iter().filter(|s| s.needs_supervisor()).collect();
        assert_eq!(decisions.len(), 5);
        assert!(Step::Reopen.needs_supervisor());
        assert!(!Step::RequestClosure.needs_supervisor());
    }

    #[test]
    fn each_stage_has_its_deadline() {
        let d = Deadlines {
            assessment_days: 7,
            plan_days: 14,
            follow_up_days: 30,
        };
        let from = day("2026-11-01");
        assert_eq!(d.due(New, from), Some(day("2026-11-08")));
        assert_eq!(d.due(CasePlan, from), Some(day("2026-11-15")));
        assert_eq!(d.due(Monitoring, from), Some(day("2026-12-01")));
        assert_eq!(d.due(Closed, from), None);
    }

    #[test]
    fn the_monitoring_rule_wants_two_clean_visits_far_enough_apart() {
        let v = |on: &str, still_working| Visit {
            on: day(on),
            still_working,
        };
        assert!(monitoring_rule_holds(
            &[v("2026-03-01", false), v("2026-01-30", false)],
            2,
            30
        ));
        // 29 days apart is not enough.
        assert!(!monitoring_rule_holds(
            &[v("2026-03-01", false), v("2026-01-31", false)],
            2,
            30
        ));
        // Working at the last visit, or at the one before it.
        assert!(!monitoring_rule_holds(
            &[v("2026-03-01", true), v("2026-01-01", false)],
            2,
            30
        ));
        assert!(!monitoring_rule_holds(
            &[
                v("2026-03-01", false),
                v("2026-01-01", true),
                v("2025-11-01", false)
            ],
            2,
            30
        ));
        // One visit is not two.
        assert!(!monitoring_rule_holds(&[v("2026-03-01", false)], 2, 30));
        assert!(!monitoring_rule_holds(&[], 2, 30));
        // Three visits when the setting says so.
        assert!(!monitoring_rule_holds(
            &[v("2026-03-01", false), v("2026-01-01", false)],
            3,
            30
        ));
    }

    #[test]
    fn other_reasons_have_their_own_rules() {
        let rules = ClosureRules {
            visits: 2,
            min_days: 30,
        };
        let today = day("2026-11-25");
        assert_eq!(
            closure_allowed(
                rules,
                Monitoring,
                ClosureReason::Turned18,
                "",
                day("2010-01-01"),
                today,
                &[]
            ),
            Err(("closure_reason", "error-closure-not-18"))
        );
        assert_eq!(
            closure_allowed(
                rules,
                Monitoring,
                ClosureReason::Turned18,
                "",
                day("2008-11-25"),
                today,
                &[]
            ),
            Ok(())
        );
        assert_eq!(
            closure_allowed(
                rules,
                Monitoring,
                ClosureReason::MovedAway,
                " ",
                day("2012-01-01"),
                today,
                &[]
            ),
            Err(("closure_note", "error-closure-note-required"))
        );
        assert_eq!(
            closure_allowed(
                rules,
                Monitoring,
                ClosureReason::Reunified,
                "with the mother in Osh",
                day("2012-01-01"),
                today,
                &[]
            ),
            Ok(())
        );
        assert_eq!(
            closure_allowed(
                rules,
                Monitoring,
                ClosureReason::Withdrawn,
                "",
                day("2012-01-01"),
                today,
                &[]
            ),
            Err(("closure_reason", "error-closure-monitoring"))
        );
        let visits = [
            Visit {
                on: day("2026-11-01"),
                still_working: false,
            },
            Visit {
                on: day("2026-09-01"),
                still_working: false,
            },
        ];
        assert_eq!(
            closure_allowed(
                rules,
                Monitoring,
                ClosureReason::Withdrawn,
                "",
                day("2012-01-01"),
                today,
                &visits
            ),
            Ok(())
        );
        assert_eq!(
            closure_allowed(
                rules,
                InServices,
                ClosureReason::Withdrawn,
                "",
                day("2012-01-01"),
                today,
                &visits
            ),
            Err(("closure_reason", "error-closure-not-monitoring"))
        );
    }
}
