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
    /// The stage after this move, or the message key saying why not now.
    pub fn next(self, stage: Stage) -> Result<Stage, &'static str> {
        use Stage::*;
        match (self, stage) {
            (Move::SendToCourt, Investigation) => Ok(InCourt),
            (Move::Convict, InCourt) => Ok(Convicted),
            (Move::Acquit, InCourt) => Ok(Acquitted),
            (Move::Dismiss, Investigation | InCourt) => Ok(Dismissed),
            (Move::Suspend, Investigation | InCourt) => Ok(Suspended),
            (Move::Resume, Suspended) => Ok(Investigation),
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
        assert_eq!(Move::SendToCourt.next(Investigation), Ok(InCourt));
        assert_eq!(Move::Convict.next(InCourt), Ok(Convicted));
        assert_eq!(Move::Acquit.next(InCourt), Ok(Acquitted));
        assert_eq!(Move::Dismiss.next(Investigation), Ok(Dismissed));
        assert_eq!(Move::Dismiss.next(InCourt), Ok(Dismissed));
        assert_eq!(Move::Suspend.next(InCourt), Ok(Suspended));
        assert_eq!(Move::Resume.next(Suspended), Ok(Investigation));
    }

    #[test]
    fn out_of_order_moves_and_reopened_verdicts_are_refused() {
        assert_eq!(
            Move::Convict.next(Investigation),
            Err("error-stage-not-now")
        );
        assert_eq!(Move::Acquit.next(Suspended), Err("error-stage-not-now"));
        assert_eq!(Move::SendToCourt.next(InCourt), Err("error-stage-not-now"));
        assert_eq!(Move::Resume.next(Investigation), Err("error-stage-not-now"));
        for done in [Convicted, Acquitted, Dismissed] {
            for m in Move::ALL {
                assert_eq!(
                    m.next(done),
                    Err("error-investigation-decided"),
                    "{m} after {done}"
                );
            }
        }
    }
}
