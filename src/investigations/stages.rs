//! The stages of an investigation as plain rules: investigation → in court →
//! convicted / acquitted / dismissed; dismissed or suspended from either of
//! the first two; a suspended investigation resumes. Verdicts are final.

use super::model::Stage;

crate::text_enum! {
    /// What moves an investigation on.
    pub enum Move ("investigation-move") {
        SendToCourt = "send_to_court",
        Convict = "convict",
        Acquit = "acquit",
        Dismiss = "dismiss",
        Suspend = "suspend",
        Resume = "resume",
    }
}

impl Move {
    /// A verdict, an acquittal or a dismissal: nothing moves the
    /// investigation on or back afterwards.
    pub fn is_final(self) -> bool {
        matches!(self, Move::Convict | Move::Acquit | Move::Dismiss)
    }

    /// The stage after this move, or the message key saying why not now.
    /// A suspended investigation resumes where it was suspended from.
    pub fn next(self, stage: Stage, suspended_from: Option<Stage>) -> Result<Stage, &'static str> {
        use Stage::*;
        match (self, stage) {
            (Move::Resume, Suspended) => Ok(suspended_from.unwrap_or(Investigation)),
            (Move::SendToCourt, Investigation) => Ok(InCourt),
            (Move::Convict, InCourt) => Ok(Convicted),
            (Move::Acquit, InCourt) => Ok(Acquitted),
            (Move::Dismiss, Investigation | InCourt) => Ok(Dismissed),
            (Move::Suspend, Investigation | InCourt) => Ok(Suspended),
            (_, Convicted | Acquitted | Dismissed) => Err("error-investigation-decided"),
            _ => Err("error-stage-not-now"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Stage::*;

    #[test]
    fn an_investigation_goes_to_court_and_to_a_verdict() {
        assert_eq!(Move::SendToCourt.next(Investigation, None), Ok(InCourt));
        assert_eq!(Move::Convict.next(InCourt, None), Ok(Convicted));
        assert_eq!(Move::Acquit.next(InCourt, None), Ok(Acquitted));
        assert_eq!(Move::Dismiss.next(Investigation, None), Ok(Dismissed));
        assert_eq!(Move::Dismiss.next(InCourt, None), Ok(Dismissed));
        assert_eq!(Move::Suspend.next(InCourt, None), Ok(Suspended));
        assert_eq!(Move::Resume.next(Suspended, None), Ok(Investigation));
        assert_eq!(Move::Resume.next(Suspended, Some(InCourt)), Ok(InCourt));
    }

    #[test]
    fn out_of_order_moves_and_reopened_verdicts_are_refused() {
        assert_eq!(
            Move::Convict.next(Investigation, None),
            Err("error-stage-not-now")
        );
        assert_eq!(
            Move::Acquit.next(Suspended, None),
            Err("error-stage-not-now")
        );
        assert_eq!(
            Move::SendToCourt.next(InCourt, None),
            Err("error-stage-not-now")
        );
        assert_eq!(
            Move::Resume.next(Investigation, None),
            Err("error-stage-not-now")
        );
        for done in [Convicted, Acquitted, Dismissed] {
            for m in Move::ALL {
                assert_eq!(
                    m.next(done, None),
                    Err("error-investigation-decided"),
                    "{m} after {done}"
                );
            }
        }
    }
}
