//! The names of the published figures, as one enum: a page, a download, the
//! protection and a release name a figure by its variant, so a misspelt
//! figure does not compile (a string that matched nothing used to read as
//! "hidden"). `Display` writes the stable name the open data and the pages'
//! element ids use (`children_assisted_forced_labor`); `parse` reads it back
//! (a release stores its figures by name).

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use crate::admin::model::ServiceKind;
use crate::cases::model::{ExploitationForm, Sector};
use crate::children::model::Sex;

crate::text_enum! {
    /// An age band of the children identified (age on the day identified).
    pub enum AgeBand ("report-age") {
        Under14 = "under_14",
        From14To15 = "14_15",
        From16To17 = "16_17",
        Over18 = "18_over",
    }
}

/// What the latest follow-up visit found the child doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    StillWorking,
    Withdrawn,
}

impl Outcome {
    pub const ALL: [Outcome; 2] = [Outcome::StillWorking, Outcome::Withdrawn];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::StillWorking => "still_working",
            Outcome::Withdrawn => "withdrawn",
        }
    }
}

/// Whether the latest follow-up visit found the child at school.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Schooling {
    AtSchool,
    OutOfSchool,
}

impl Schooling {
    pub const ALL: [Schooling; 2] = [Schooling::AtSchool, Schooling::OutOfSchool];

    pub fn as_str(self) -> &'static str {
        match self {
            Schooling::AtSchool => "at_school",
            Schooling::OutOfSchool => "out_of_school",
        }
    }
}

/// A published figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Name {
    // The state's actions (exact), money and recorded staff.
    LaborInspectors,
    LaborInspectorsOnLastDay,
    InspectorsTrainedForcedChildLabor,
    Inspections,
    InspectionsAtWorksite,
    InspectionsDeskReview,
    InspectionsRoutine,
    InspectionsUnannounced,
    InspectionsComplaintDriven,
    InspectionsFindingChildLabor,
    InspectionsPlanned,
    ChildLaborViolations,
    ViolationsPenalised,
    PenaltiesImposed,
    PenaltiesImposedKgs,
    PenaltiesCollected,
    PenaltiesCollectedKgs,
    InspectionsReferredToLawEnforcement,
    SchoolFeeComplaints,
    Investigations,
    ProsecutionsInitiated,
    Convictions,
    Acquittals,
    Dismissed,
    PrisonSentences,
    FinesImposedKgs,
    ProsecutorStaff,
    // Counts of persons (protected).
    ChildrenReferredToLawEnforcement,
    ChildrenReferredToSocialServices,
    ChildrenAssisted,
    ChildrenAssistedForm(ExploitationForm),
    ChildrenAssistedFormService(ExploitationForm, ServiceKind),
    ChildrenAssistedService(ServiceKind),
    ChildrenCsecIdentified,
    ChildrenCsecRecordedAsVictims,
    ChildrenStreetIdentified,
    ChildrenStreetWithEducationService,
    ChildrenStreetWithMedicalService,
    ChildrenStreetWithSocialService,
    ChildrenIdentified,
    ChildrenReceivedService,
    ChildrenIdentifiedForm(ExploitationForm),
    ChildrenIdentifiedSector(Sector),
    ChildrenIdentifiedSex(Sex),
    ChildrenIdentifiedAge(AgeBand),
    ChildrenFollowedUp,
    ChildrenFollowedUpSchooling(Schooling),
    ChildrenOutcome(Outcome),
    ChildrenOutcomeSchooling(Outcome, Schooling),
    ChildrenReferralsOverdue,
    // Shares and medians of counts of persons.
    ShareReceivedServicePercent,
    MedianDaysToFirstService,
    ShareWithdrawnPercent,
}

impl Name {
    /// The figure called `name` in the open data, if there is one.
    pub fn parse(name: &str) -> Option<Name> {
        static NAMES: OnceLock<HashMap<String, Name>> = OnceLock::new();
        NAMES
            .get_or_init(|| {
                super::figures::every_name()
                    .into_iter()
                    .map(|n| (n.to_string(), n))
                    .collect()
            })
            .get(name)
            .copied()
    }

    /// Is this a count of persons a territory shows when it is not the
    /// page's own (a row of a territory table, a region on the public
    /// pages, a year of a trend): the headline figures and children
    /// assisted by form.
    pub fn is_headline(self) -> bool {
        matches!(
            self,
            Name::ChildrenIdentified
                | Name::ChildrenAssisted
                | Name::ChildrenReferredToLawEnforcement
                | Name::ChildrenReferredToSocialServices
                | Name::ChildrenAssistedForm(_)
        )
    }

    fn plain(self) -> Option<&'static str> {
        use Name::*;
        Some(match self {
            LaborInspectors => "labor_inspectors",
            LaborInspectorsOnLastDay => "labor_inspectors_on_last_day",
            InspectorsTrainedForcedChildLabor => "inspectors_trained_forced_child_labor",
            Inspections => "inspections",
            InspectionsAtWorksite => "inspections_at_worksite",
            InspectionsDeskReview => "inspections_desk_review",
            InspectionsRoutine => "inspections_routine",
            InspectionsUnannounced => "inspections_unannounced",
            InspectionsComplaintDriven => "inspections_complaint_driven",
            InspectionsFindingChildLabor => "inspections_finding_child_labor",
            InspectionsPlanned => "inspections_planned",
            ChildLaborViolations => "child_labor_violations",
            ViolationsPenalised => "violations_penalised",
            PenaltiesImposed => "penalties_imposed",
            PenaltiesImposedKgs => "penalties_imposed_kgs",
            PenaltiesCollected => "penalties_collected",
            PenaltiesCollectedKgs => "penalties_collected_kgs",
            InspectionsReferredToLawEnforcement => "inspections_referred_to_law_enforcement",
            SchoolFeeComplaints => "school_fee_complaints",
            Investigations => "investigations",
            ProsecutionsInitiated => "prosecutions_initiated",
            Convictions => "convictions",
            Acquittals => "acquittals",
            Dismissed => "dismissed",
            PrisonSentences => "prison_sentences",
            FinesImposedKgs => "fines_imposed_kgs",
            ProsecutorStaff => "prosecutor_staff",
            ChildrenReferredToLawEnforcement => "children_referred_to_law_enforcement",
            ChildrenReferredToSocialServices => "children_referred_to_social_services",
            ChildrenAssisted => "children_assisted",
            ChildrenCsecIdentified => "children_csec_identified",
            ChildrenCsecRecordedAsVictims => "children_csec_recorded_as_victims",
            ChildrenStreetIdentified => "children_street_identified",
            ChildrenStreetWithEducationService => "children_street_with_education_service",
            ChildrenStreetWithMedicalService => "children_street_with_medical_service",
            ChildrenStreetWithSocialService => "children_street_with_social_service",
            ChildrenIdentified => "children_identified",
            ChildrenReceivedService => "children_received_service",
            ChildrenFollowedUp => "children_followed_up",
            ChildrenReferralsOverdue => "children_referrals_overdue",
            ShareReceivedServicePercent => "share_received_service_percent",
            MedianDaysToFirstService => "median_days_to_first_service",
            ShareWithdrawnPercent => "share_withdrawn_percent",
            _ => return None,
        })
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(plain) = self.plain() {
            return f.write_str(plain);
        }
        match *self {
            Name::ChildrenAssistedForm(form) => write!(f, "children_assisted_{form}"),
            Name::ChildrenAssistedFormService(form, service) => {
                write!(f, "children_assisted_{form}_{service}")
            }
            Name::ChildrenAssistedService(service) => {
                write!(f, "children_assisted_service_{service}")
            }
            Name::ChildrenIdentifiedForm(form) => write!(f, "children_identified_{form}"),
            Name::ChildrenIdentifiedSector(sector) => {
                write!(f, "children_identified_sector_{sector}")
            }
            Name::ChildrenIdentifiedSex(sex) => write!(f, "children_identified_{sex}"),
            Name::ChildrenIdentifiedAge(band) => write!(f, "children_identified_age_{band}"),
            Name::ChildrenFollowedUpSchooling(s) => {
                write!(f, "children_followed_up_{}", s.as_str())
            }
            Name::ChildrenOutcome(o) => write!(f, "children_{}", o.as_str()),
            Name::ChildrenOutcomeSchooling(o, s) => {
                write!(f, "children_{}_{}", o.as_str(), s.as_str())
            }
            _ => unreachable!("every other figure has a plain name"),
        }
    }
}

impl serde::Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Name {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Name, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Name::parse(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("no figure is called {name:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_read_back_as_itself_and_no_two_figures_share_one() {
        let all = super::super::figures::every_name();
        let mut seen = std::collections::HashSet::new();
        for name in &all {
            let text = name.to_string();
            assert!(seen.insert(text.clone()), "{text} is two figures");
            assert_eq!(Name::parse(&text), Some(*name), "{text}");
        }
        assert_eq!(Name::parse("children_assisted_forced_labour"), None);
        let json =
            serde_json::to_string(&Name::ChildrenAssistedForm(ExploitationForm::ALL[0])).unwrap();
        assert_eq!(
            serde_json::from_str::<Name>(&json).unwrap(),
            Name::ChildrenAssistedForm(ExploitationForm::ALL[0])
        );
        assert!(serde_json::from_str::<Name>("\"children_asisted\"").is_err());
    }
}
