home-title = Home
home-greeting = Welcome, { $name }
home-card-users = Create accounts, set roles, agencies and territories, reset passwords.
home-card-agencies = Inspectorates, child support units, centres, schools, clinics, shelters, NGOs and law enforcement.
home-card-audit = Who did what and when: sign-ins, changes, views of personal data.

role-admin-about = You keep the users, agencies and reference lists of Korgoo and watch the audit log.
role-inspector-about = You record inspection visits, violations and penalties, and open a case for each child you find working.
role-case-worker-about = You manage the cases of children in your unit's territory: assessment, case plan, referrals, follow-up visits.
role-supervisor-about = You lead your unit: you assign cases, approve case plans and closures, and transfer cases.
role-service-provider-about = You receive the referrals addressed to your agency and record the services you provide.
role-prosecutor-about = You record investigations, prosecutions and convictions, and the cases referred to your office.
role-police-about = You record investigations and the cases referred to your unit.
role-official-about = You see the aggregate figures and reports; personal data is never shown to you.
home-planned-inspections = Planned inspections
home-planned-due = its day has come: record what was found
home-bulk-alert-children = { $count ->
    [one] { $count } child listed or opened
   *[other] { $count } children listed or opened
}
home-bulk-alerts = Alerts of bulk reading of personal data
home-bulk-alerts-none = No alert in the last seven days.
home-bulk-alerts-lead = These users went through more children's records in a short time than the setting allows. Check why.
home-bulk-alerts-all = All alerts in the audit log
nav-waiting = { $count ->
    [one] { $count } waiting for you
   *[other] { $count } waiting for you
}
work-decisions = Plans and closures awaiting your decision
work-my-cases = My cases, by what is due next
work-new-referrals = Referrals to answer
work-late-services = Services past their planned end
work-stages-due = Investigations due a decision
work-complaints = Complaints to verify or resolve
work-plan-approval = approve or return the case plan
work-closure-approval = decide on closing the case
work-assign = assign a case worker
work-transfer = accept or decline the transfer
work-assessment-due = assessment
work-plan-due = case plan
work-visit-due = follow-up visit
work-awaiting-plan = the plan waits for the unit head's approval
work-awaiting-closure = the closure waits for the unit head's decision
work-referral-unanswered = referral not answered
work-service-late = service past its planned end
work-answer-referral = answer the referral
work-stage-due = decide: send to court, suspend or dismiss
work-verify-complaint = verify the complaint
work-resolve-complaint = resolve the complaint
work-other = to do
work-since = since { $date }
work-due = due { $date }
work-planned-end = planned to end { $date }
work-answer-by = answer by { $date }
work-stage-since = at this stage since { $date }
work-more = { $count ->
    [one] { $count } more in the full list
   *[other] { $count } more in the full list
}
home-figures-of-year = Figures of { $year } so far
home-to-dashboard = Open the dashboard
home-to-report = Enforcement report
home-to-tracker = Recommendations tracker
home-profile = You in Korgoo
filters-show = Filters
filters-show-set = { $count ->
    [one] Filters ({ $count } set)
   *[other] Filters ({ $count } set)
}
