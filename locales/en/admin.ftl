admin-users-title = Users
admin-agencies-title = Agencies
admin-audit-title = Audit log
admin-audit-lead = Every sign-in, change and view of personal data, newest first. No one can change or delete these entries.
admin-user-new = New user
admin-user-edit = User { $name }
admin-back-to-users = ← All users
admin-user-account = Account
admin-user-reset-password = New temporary password
admin-user-reset-hint = The user will have to choose their own password at the next sign-in; all their sessions end now.
admin-user-reset-submit = Set temporary password
admin-user-unlock = Unlock
admin-user-deactivate = Deactivate
admin-user-activate = Activate again
admin-user-history = History of this user in the audit log
admin-agency-new = New agency
admin-back-to-agencies = ← All agencies
users-count = { $count ->
    [one] { $count } user
   *[other] { $count } users
}

user-login = Login
user-login-hint = 3–64 characters: latin letters, digits, dot, dash, underscore.
user-display-name = Name
user-role = Role
user-agency = Agency
user-agency-hint = Required for every role except administrator and official; the agency's kind must fit the role.
user-territory = Territory
user-territory-from-agency = — the agency's territory —
user-language = Language
user-status = Status
user-last-login = Last sign-in
user-initial-password = Temporary password
user-initial-password-hint = At least { $min } characters. The user must replace it at first sign-in; give it to them in person.

error-login-format = Use 3–64 latin letters, digits, dots, dashes or underscores.
error-login-taken = This login is already taken.
error-agency-required = This role needs an agency.
error-agency-wrong-kind = This agency's kind does not fit the role.
error-agency-inactive = This agency is deactivated.
error-territory-outside-agency = The territory must lie within the agency's territory.
error-cannot-demote-self = You cannot remove the administrator role from your own account.

agency-name = Name
agency-name-ky = Name in Kyrgyz
agency-name-ru = Name in Russian
agency-name-en = Name in English
agency-kind = Kind
agency-territory = Territory
agency-services = Services offered
agency-capacity = Capacity
agency-capacity-hint = How many children it can serve at once; leave empty if it does not apply.
agency-contact = Contact
agency-active = Active (can receive users and referrals)

audit-when = When
audit-actor = Who
audit-address = From
audit-action = Action
audit-target = Record
audit-target-id = Record number
audit-details = Details
audit-nobody = — (not signed in)

role-admin = Administrator
role-inspector = Labour inspector
role-case-worker = Case worker
role-supervisor = Unit head
role-service-provider = Service provider
role-prosecutor = Prosecutor
role-police = Police officer
role-official = Official

agency-kind-ministry = Ministry
agency-kind-labor-inspectorate = Labour inspectorate
agency-kind-child-support-unit = Family and child support unit
agency-kind-rehabilitation-center = Rehabilitation centre
agency-kind-school = School
agency-kind-catch-up-program = Catch-up education programme
agency-kind-clinic = Clinic
agency-kind-shelter = Shelter
agency-kind-ngo = NGO
agency-kind-prosecutor = Prosecutor's office
agency-kind-police = Internal affairs (police)

service-rehabilitation = Rehabilitation
service-catch-up-education = Catch-up education
service-school-enrolment = School enrolment
service-medical = Medical care
service-psychosocial = Psychosocial support
service-shelter = Shelter
service-legal-aid = Legal aid
service-family-support = Family support
service-law-enforcement = Law enforcement

audit-action-login-ok = Signed in
audit-action-login-failed = Failed sign-in
audit-action-login-locked = Sign-in attempts delayed
audit-action-logout = Signed out
audit-action-password-changed = Password changed
audit-action-password-change-failed = Wrong current password when changing it
audit-action-password-reset = Temporary password set
audit-action-user-created = User created
audit-action-user-updated = User changed
audit-action-user-deactivated = User deactivated
audit-action-user-activated = User activated
audit-action-agency-created = Agency created
audit-action-agency-updated = Agency changed

audit-target-user = User
audit-target-agency = Agency

# Labour inspector posts (issue 18).
admin-posts-title = Labour inspector posts
admin-posts-hint = The periods in which this person was a labour inspector, and in which office. The enforcement report counts labour inspectors from these periods, so ending a post today does not change past years. A post is ended, never deleted; deactivating the account ends its open post on that day, and activating it again opens none.
admin-posts-none = No labour inspector post recorded.
admin-posts-office = Office
admin-posts-from = From
admin-posts-to = To
admin-posts-in-post = in post
admin-posts-open-from = First day in post
admin-posts-open-submit = Open a post
admin-posts-end-on = Last day in post
admin-posts-end-submit = End the post
user-inspects = Inspects (opens a labour inspector post)
user-inspects-hint = For the head of a labour inspection office who carries out inspections: a labour inspector post opens from today. An inspector's post always opens from today.
error-post-not-inspector = Only an inspector, or the head of a labour inspection office, holds a labour inspector post.
error-post-account-inactive = The account is deactivated: activate it first.
error-post-office-kind = Choose a labour inspection office.
error-post-overlap = This person is already in post on this day: a post may not overlap another one.
error-post-end-before-start = The last day is before the first day in post.
error-post-changed = Someone changed this post meanwhile: look at it again.
flash-post-opened = The labour inspector post is opened.
flash-post-ended = The labour inspector post is ended.
audit-action-inspector-post-opened = Labour inspector post opened
audit-action-inspector-post-ended = Labour inspector post ended
audit-action-access-refused = Access refused
