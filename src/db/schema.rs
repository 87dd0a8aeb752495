// @generated automatically by Diesel CLI.

diesel::table! {
    agencies (id) {
        id -> Int8,
        code -> Nullable<Text>,
        kind -> Text,
        parent_id -> Nullable<Int8>,
        location_id -> Int4,
        name_ky -> Text,
        name_ru -> Text,
        name_en -> Text,
        contact -> Text,
        services -> Array<Nullable<Text>>,
        capacity -> Nullable<Int4>,
        active -> Bool,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    audit_actions (name) {
        name -> Text,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Int8,
        at -> Timestamptz,
        actor_id -> Nullable<Int8>,
        actor_login -> Nullable<Text>,
        client_addr -> Nullable<Text>,
        action -> Text,
        target_kind -> Nullable<Text>,
        target_id -> Nullable<Int8>,
        details -> Jsonb,
    }
}

diesel::table! {
    case_events (id) {
        id -> Int8,
        case_id -> Int8,
        at -> Timestamptz,
        actor_id -> Nullable<Int8>,
        kind -> Text,
        note -> Text,
        details -> Jsonb,
    }
}

diesel::table! {
    cases (id) {
        id -> Int8,
        child_id -> Int8,
        unit_id -> Int8,
        location_id -> Int4,
        assigned_to -> Nullable<Int8>,
        source -> Text,
        forms -> Array<Nullable<Text>>,
        child_is_victim -> Bool,
        sector -> Text,
        risk -> Text,
        status -> Text,
        narrative -> Text,
        consent_given_by -> Nullable<Text>,
        consent_given_on -> Nullable<Date>,
        assessment -> Text,
        plan -> Text,
        plan_submitted_at -> Nullable<Timestamptz>,
        plan_submitted_by -> Nullable<Int8>,
        closure_requested_reason -> Nullable<Text>,
        closure_requested_note -> Text,
        closure_requested_by -> Nullable<Int8>,
        closure_reason -> Nullable<Text>,
        closed_at -> Nullable<Timestamptz>,
        transfer_to_unit_id -> Nullable<Int8>,
        due_on -> Nullable<Date>,
        status_since -> Timestamptz,
        opened_by -> Int8,
        opened_at -> Timestamptz,
        version -> Int4,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    children (id) {
        id -> Int8,
        family_name -> Text,
        given_name -> Text,
        patronymic -> Text,
        search_name -> Text,
        sex -> Text,
        birth_date -> Date,
        birth_date_estimated -> Bool,
        personal_number -> Nullable<Text>,
        guardian_name -> Text,
        guardian_contact -> Text,
        home_location_id -> Int4,
        language -> Text,
        school_status -> Text,
        disability -> Text,
        created_by -> Int8,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        merged_into -> Nullable<Int8>,
        merged_at -> Nullable<Timestamptz>,
        merged_by -> Nullable<Int8>,
    }
}

diesel::table! {
    follow_ups (id) {
        id -> Int8,
        case_id -> Int8,
        visited_on -> Date,
        visited_by -> Int8,
        still_working -> Bool,
        attending_school -> Bool,
        notes -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    locations (id) {
        id -> Int4,
        code -> Text,
        parent_id -> Nullable<Int4>,
        level -> Text,
        path -> Text,
        sort_order -> Int4,
        name_ky -> Text,
        name_ru -> Text,
        name_en -> Text,
    }
}

diesel::table! {
    referrals (id) {
        id -> Int8,
        case_id -> Int8,
        agency_id -> Int8,
        service -> Text,
        urgency -> Text,
        shared -> Array<Nullable<Text>>,
        note -> Text,
        answer_by -> Date,
        planned_end -> Nullable<Date>,
        status -> Text,
        decline_reason -> Text,
        outcome_note -> Text,
        consent_override_reason -> Nullable<Text>,
        sent_by -> Int8,
        sent_at -> Timestamptz,
        answered_at -> Nullable<Timestamptz>,
        started_at -> Nullable<Timestamptz>,
        ended_at -> Nullable<Timestamptz>,
        version -> Int4,
    }
}

diesel::table! {
    sessions (id_hash) {
        id_hash -> Bytea,
        user_id -> Nullable<Int8>,
        csrf_token -> Text,
        created_at -> Timestamptz,
        last_seen_at -> Timestamptz,
        authenticated_at -> Nullable<Timestamptz>,
        second_factor_at -> Nullable<Timestamptz>,
        flash -> Nullable<Jsonb>,
    }
}

diesel::table! {
    users (id) {
        id -> Int8,
        login -> Text,
        display_name -> Text,
        password_hash -> Text,
        role -> Text,
        agency_id -> Nullable<Int8>,
        location_id -> Nullable<Int4>,
        locale -> Text,
        active -> Bool,
        must_change_password -> Bool,
        failed_logins -> Int4,
        locked_until -> Nullable<Timestamptz>,
        last_login_at -> Nullable<Timestamptz>,
        password_changed_at -> Timestamptz,
        totp_secret -> Nullable<Bytea>,
        totp_enabled_at -> Nullable<Timestamptz>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(agencies -> locations (location_id));
diesel::joinable!(audit_log -> audit_actions (action));
diesel::joinable!(audit_log -> users (actor_id));
diesel::joinable!(case_events -> cases (case_id));
diesel::joinable!(case_events -> users (actor_id));
diesel::joinable!(cases -> children (child_id));
diesel::joinable!(cases -> locations (location_id));
diesel::joinable!(children -> locations (home_location_id));
diesel::joinable!(follow_ups -> cases (case_id));
diesel::joinable!(follow_ups -> users (visited_by));
diesel::joinable!(referrals -> agencies (agency_id));
diesel::joinable!(referrals -> cases (case_id));
diesel::joinable!(referrals -> users (sent_by));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(users -> agencies (agency_id));
diesel::joinable!(users -> locations (location_id));

diesel::allow_tables_to_appear_in_same_query!(
    agencies,
    audit_actions,
    audit_log,
    case_events,
    cases,
    children,
    follow_ups,
    locations,
    referrals,
    sessions,
    users,
);
