app-name = Korgoo
footer-text = Korgoo — child-labour case monitoring of the Kyrgyz Republic. Personal data is protected by law; every view of a child's record is logged.

nav-skip = Skip to content
nav-label = Main
nav-home = Home
nav-admin = Administration
nav-language = Language
nav-password = Change password
nav-logout = Sign out

lang-ky = Кыргызча
lang-ru = Русский
lang-en = English

save = Save
choose = — choose —
value-none = none
value-whole-country = the whole country
form-has-errors = Some fields need your attention. Your input is kept; correct the fields marked below and save again.

filter-any = any
filter-apply = Show
filter-login = Login starts with
filter-from = From
filter-to = To
list-empty = Nothing matches.
# An empty part of a record or of a home page (not a search that found nothing).
section-empty = None yet.
list-next = Next page →

status-active = Active
status-inactive = Deactivated
status-locked = Locked
status-must-change = Must change password

conflict-title = Someone else saved this record while you were editing
conflict-body = Nothing was saved. Their version is shown here; your changes are still in the form below. Save again to replace their version with yours.
unsaved-input = What you typed (not saved)
conflict-theirs = Saved by the other person

flash-password-changed = Your password has been changed. Other sessions of your account were signed out.
flash-user-created = User { $name } was created. They must choose a new password at first sign-in.
flash-user-saved = Changes to { $name } were saved.
flash-password-reset = A temporary password was set for { $name }; their sessions were ended.
flash-user-deactivated = { $name } was deactivated and signed out.
flash-user-activated = { $name } can sign in again.
flash-user-unlocked = { $name } was unlocked.
flash-agency-saved = The agency was saved.

error-go-home = Go to the home page
error-not-found-title = Page not found
error-not-found-body = There is no such page, or the record does not exist.
error-forbidden-title = Access denied
error-forbidden-body = Your role does not give access to this page or record. If you need it for your work, ask your administrator.
error-csrf-title = The form has expired
error-csrf-body = For your safety nothing was changed. Go back, reload the page and submit the form again.
error-bad-request-title = The request could not be understood
error-bad-request-body = Nothing was changed. Go back and try again.
error-too-large-title = Too much data
error-too-large-body = The form you sent is larger than allowed. Nothing was changed.
error-rate-limited-title = Too many attempts
error-rate-limited-body = Please wait a minute before trying again.
error-unavailable-title = Temporarily unavailable
error-unavailable-body = The database cannot be reached right now. Nothing was lost; please try again in a minute.
error-internal-title = Something went wrong
error-internal-body = The problem has been recorded. Nothing was changed; please try again, and tell your administrator if it happens again.

error-required = This field is required.
error-too-long = This is too long.
error-control-characters = This contains characters that cannot be stored (control characters).
error-not-a-number = Enter a whole number.
error-number-out-of-range = This number is out of the allowed range.
error-invalid-choice = Choose one of the offered options.
error-date-format = Enter a date as dd.mm.yyyy.
error-range-reversed = The end date is before the start date.
error-money-negative = An amount cannot be negative.
error-money-format = Write the amount in digits, e.g. 1500 or 1500,50.
error-money-cents = At most two digits after the comma (tyiyn).
error-money-too-large = This amount is too large; check it.
error-money-zero = The amount must be more than zero.
footer-public = Public figures
entered-later = { $days ->
    [one] typed in { $days } day later
   *[other] typed in { $days } days later
}
error-invisible-characters = The name contains invisible characters (such as a zero-width space or a text-direction mark). Please type the name again.
error-timeout-title = The request arrived too slowly
error-timeout-body = The form's data did not arrive in time and nothing was saved. Check the connection and send it again.
nav-second-factor = Second factor
