//! The application's route table, as the tests see it: every GET and POST
//! route, with `{placeholders}` for the ids a test fills in. A test below
//! counts the routes registered in `src/`, so a new route that is not listed
//! here (and so not attacked by the CSRF, access-control and fuzz tests)
//! fails the run.

/// Every GET route. `{path}` of /static is a file name.
pub const GET_ROUTES: &[&str] = &[
    "/",
    "/healthz",
    "/metrics",
    "/static/{path}",
    "/login",
    "/login/code",
    "/account/password",
    "/account/second-factor",
    "/admin",
    "/admin/users",
    "/admin/users/new",
    "/admin/users/{user}",
    "/admin/agencies",
    "/admin/agencies/new",
    "/admin/agencies/{agency}",
    "/admin/audit",
    "/admin/releases",
    "/referrals",
    "/referrals/{referral}",
    "/cases",
    "/cases/new",
    "/cases/{case}",
    "/cases/{case}/edit",
    "/training",
    "/training/inspectors/{user}",
    "/training/inspectors/{user}/new",
    "/training/records/{record}/edit",
    "/children",
    "/children/new",
    "/children/search",
    "/children/{child}",
    "/children/{child}/edit",
    "/establishments",
    "/establishments/new",
    "/establishments/{establishment}",
    "/establishments/{establishment}/edit",
    "/inspections",
    "/inspections/new",
    "/inspections/{inspection}",
    "/inspections/{inspection}/edit",
    "/complaints",
    "/complaints/new",
    "/complaints/{complaint}",
    "/complaints/{complaint}/edit",
    "/investigations",
    "/investigations/referrals/{le_referral}",
    "/investigations/{investigation}",
    "/public",
    "/public/recommendations",
    "/public/schema",
    "/public/data.csv",
    "/public/data.json",
    "/public/releases",
    "/public/releases/{release}",
    "/public/releases/{release}/data.csv",
    "/reports/dashboard",
    "/reports/enforcement",
    "/reports/recommendations",
    "/reports/enforcement.csv",
    "/reports/enforcement.xlsx",
];

/// Every POST route (every state-changing route: the app has no PUT,
/// PATCH or DELETE).
pub const POST_ROUTES: &[&str] = &[
    "/login",
    "/login/code",
    "/logout",
    "/account/password",
    "/account/second-factor",
    "/account/second-factor/recovery-codes",
    "/admin/users",
    "/admin/users/{user}",
    "/admin/users/{user}/password",
    "/admin/users/{user}/deactivate",
    "/admin/users/{user}/activate",
    "/admin/users/{user}/unlock",
    "/admin/users/{user}/second-factor/reset",
    "/admin/users/{user}/posts",
    "/admin/users/{user}/posts/end",
    "/admin/agencies",
    "/admin/agencies/{agency}",
    "/admin/agencies/{agency}/staff",
    "/admin/releases",
    "/children",
    "/children/search",
    "/children/{child}",
    "/children/{child}/merge",
    "/cases",
    "/cases/search",
    "/cases/{case}",
    "/cases/{case}/step",
    "/cases/{case}/assign",
    "/cases/{case}/follow-ups",
    "/cases/{case}/referrals",
    "/cases/{case}/transfer",
    "/cases/{case}/transfer/answer",
    "/referrals/{referral}/step",
    "/establishments",
    "/establishments/search",
    "/establishments/{establishment}",
    "/inspections",
    "/inspections/{inspection}",
    "/inspections/{inspection}/close",
    "/inspections/{inspection}/penalties",
    "/inspections/{inspection}/penalties/{penalty}",
    "/inspections/{inspection}/penalties/{penalty}/standing",
    "/inspections/{inspection}/children",
    "/cases/{case}/law-enforcement",
    "/investigations",
    "/investigations/{investigation}/move",
    "/investigations/{investigation}/victims",
    "/investigations/referrals/{le_referral}/answer",
    "/training/inspectors/{user}",
    "/training/records/{record}",
    "/complaints",
    "/complaints/{complaint}",
    "/complaints/{complaint}/process",
    "/reports/recommendations/{recommendation}",
];

/// Fill a route's placeholders from `(name, value)` pairs; a placeholder
/// without a value stays as it is (and so reaches no record).
pub fn fill(route: &str, ids: &[(&str, String)]) -> String {
    let mut path = route.to_string();
    for (name, value) in ids {
        path = path.replace(&format!("{{{name}}}"), value);
    }
    path
}

#[test]
fn the_tables_above_list_every_route_registered_in_src() {
    let (mut gets, mut posts) = (0, 0);
    for file in rust_files("src") {
        let text = std::fs::read_to_string(&file).unwrap();
        gets += text.matches("web::get()").count();
        posts += text.matches("web::post()").count();
        for other in [
            "web::put()",
            "web::patch()",
            "web::delete()",
            "web::method(",
        ] {
            assert!(
                !text.contains(other),
                "{} registers {other}",
                file.display()
            );
        }
    }
    assert_eq!(gets, GET_ROUTES.len(), "GET routes in src/ vs. GET_ROUTES");
    assert_eq!(
        posts,
        POST_ROUTES.len(),
        "POST routes in src/ vs. POST_ROUTES"
    );
}

fn rust_files(dir: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(rust_files(path.to_str().unwrap()));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}
