//! The one error type.
//!
//! Policy: (1) the user sees a localized page that names what happened — never a
//! cause, SQL, path or trace; (2) the cause of a 500 or 503 is logged once, here,
//! inside the request's span (so with its request id), and nowhere else;
//! (3) nothing is retried: the failed request's transaction rolled back whole;
//! (4) an unreachable database is a 503 the user may retry, anything unexpected
//! a 500; (5) a field the user got wrong is not an error: the form re-renders.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// The anti-forgery token was missing or wrong: nothing was changed.
    #[error("CSRF check failed")]
    Csrf,
    #[error("bad request")]
    BadRequest,
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("too many requests")]
    TooManyRequests,
    /// Not signed in (or the session ended): go to the sign-in page.
    #[error("sign-in required")]
    SignInRequired,
    /// Signed in with a password the admin set: change it first.
    #[error("password change required")]
    PasswordChangeRequired,
    #[error("database unavailable: {0:#}")]
    Unavailable(anyhow::Error),
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

/// Which error page the request-context middleware renders for a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorPage {
    NotFound,
    Forbidden,
    Csrf,
    BadRequest,
    PayloadTooLarge,
    /// The body of a request did not arrive within the deadline.
    RequestTimeout,
    TooManyRequests,
    Unavailable,
    Internal,
}

impl ErrorPage {
    pub fn status(self) -> StatusCode {
        match self {
            ErrorPage::NotFound => StatusCode::NOT_FOUND,
            ErrorPage::Forbidden | ErrorPage::Csrf => StatusCode::FORBIDDEN,
            ErrorPage::BadRequest => StatusCode::BAD_REQUEST,
            ErrorPage::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorPage::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ErrorPage::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ErrorPage::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorPage::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message keys of the page's title and explanation.
    pub fn message_keys(self) -> (&'static str, &'static str) {
        match self {
            ErrorPage::NotFound => ("error-not-found-title", "error-not-found-body"),
            ErrorPage::Forbidden => ("error-forbidden-title", "error-forbidden-body"),
            ErrorPage::Csrf => ("error-csrf-title", "error-csrf-body"),
            ErrorPage::BadRequest => ("error-bad-request-title", "error-bad-request-body"),
            ErrorPage::PayloadTooLarge => ("error-too-large-title", "error-too-large-body"),
            ErrorPage::RequestTimeout => ("error-timeout-title", "error-timeout-body"),
            ErrorPage::TooManyRequests => ("error-rate-limited-title", "error-rate-limited-body"),
            ErrorPage::Unavailable => ("error-unavailable-title", "error-unavailable-body"),
            ErrorPage::Internal => ("error-internal-title", "error-internal-body"),
        }
    }

    pub fn from_status(status: StatusCode) -> Option<ErrorPage> {
        Some(match status.as_u16() {
            400 | 405 | 411 | 415 | 422 => ErrorPage::BadRequest,
            403 => ErrorPage::Forbidden,
            404 => ErrorPage::NotFound,
            408 => ErrorPage::RequestTimeout,
            413 => ErrorPage::PayloadTooLarge,
            429 => ErrorPage::TooManyRequests,
            503 => ErrorPage::Unavailable,
            500..=599 => ErrorPage::Internal,
            _ => return None,
        })
    }
}

impl AppError {
    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        AppError::Internal(e.into())
    }

    pub fn unavailable(e: impl Into<anyhow::Error>) -> Self {
        AppError::Unavailable(e.into())
    }

    pub fn page(&self) -> Option<ErrorPage> {
        Some(match self {
            AppError::NotFound => ErrorPage::NotFound,
            AppError::Forbidden => ErrorPage::Forbidden,
            AppError::Csrf => ErrorPage::Csrf,
            AppError::BadRequest => ErrorPage::BadRequest,
            AppError::PayloadTooLarge => ErrorPage::PayloadTooLarge,
            AppError::TooManyRequests => ErrorPage::TooManyRequests,
            AppError::Unavailable(_) => ErrorPage::Unavailable,
            AppError::Internal(_) => ErrorPage::Internal,
            AppError::SignInRequired | AppError::PasswordChangeRequired => return None,
        })
    }
}

impl From<ErrorPage> for AppError {
    /// The error a reader gets when a count they waited for failed (the
    /// count logged its cause).
    fn from(page: ErrorPage) -> Self {
        match page {
            ErrorPage::NotFound => AppError::NotFound,
            ErrorPage::BadRequest => AppError::BadRequest,
            ErrorPage::Unavailable => AppError::unavailable(anyhow::anyhow!("the count failed")),
            _ => AppError::internal(anyhow::anyhow!("the count failed")),
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => AppError::NotFound,
            // The connection broke (the server stopped or restarted under
            // us): its transaction rolled back; the user may try again.
            Error::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                _,
            ) => AppError::Unavailable(e.into()),
            other => AppError::Internal(other.into()),
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::SignInRequired | AppError::PasswordChangeRequired => StatusCode::SEE_OTHER,
            other => other
                .page()
                .map_or(StatusCode::INTERNAL_SERVER_ERROR, ErrorPage::status),
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::Internal(cause) => {
                tracing::error!(error = %format!("{cause:#}"), "request failed")
            }
            AppError::Unavailable(cause) => {
                tracing::warn!(error = %format!("{cause:#}"), "database unavailable")
            }
            _ => {}
        }
        match self {
            AppError::SignInRequired => HttpResponse::SeeOther()
                .insert_header(("Location", "/login"))
                .finish(),
            AppError::PasswordChangeRequired => HttpResponse::SeeOther()
                .insert_header(("Location", "/account/password"))
                .finish(),
            other => {
                let page = other.page().unwrap_or(ErrorPage::Internal);
                let mut response = HttpResponse::build(page.status()).finish();
                // The request-context middleware sees this and renders the
                // localized page: only it knows the request's language.
                response.extensions_mut().insert(page);
                response
            }
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
