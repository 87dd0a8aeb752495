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
    audit_children_seen (actor_id, child_id) {
        actor_id -> Int8,
        child_id -> Int8,
        seen_at -> Timestamptz,
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
        inspection_id -> Nullable<Int8>,
        identified_on -> Date,
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
    establishments (id) {
        id -> Int8,
        kind -> Text,
        sector -> Text,
        name -> Text,
        owner -> Text,
        tax_number -> Nullable<Text>,
        location_id -> Int4,
        address -> Text,
        search_name -> Text,
        created_by -> Int8,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
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
    inspection_inspectors (inspection_id, user_id) {
        inspection_id -> Int8,
        user_id -> Int8,
    }
}

diesel::table! {
    inspection_violations (inspection_id, kind) {
        inspection_id -> Int8,
        kind -> Text,
        count -> Int4,
    }
}

diesel::table! {
    inspections (id) {
        id -> Int8,
        establishment_id -> Int8,
        office_id -> Int8,
        location_id -> Int4,
        sector -> Text,
        visited_on -> Date,
        kind -> Text,
        method -> Text,
        girls_under_14 -> Int4,
        girls_14_15 -> Int4,
        girls_16_17 -> Int4,
        boys_under_14 -> Int4,
        boys_14_15 -> Int4,
        boys_16_17 -> Int4,
        children_found -> Int4,
        law_enforcement_id -> Nullable<Int8>,
        notes -> Text,
        follow_up_on -> Nullable<Date>,
        status -> Text,
        closed_at -> Nullable<Timestamptz>,
        closed_by -> Nullable<Int8>,
        created_by -> Int8,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    inspector_posts (id) {
        id -> Int8,
        user_id -> Int8,
        agency_id -> Int8,
        from_on -> Date,
        to_on -> Nullable<Date>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    investigation_cases (investigation_id, case_id) {
        investigation_id -> Int8,
        case_id -> Int8,
        role -> Text,
    }
}

diesel::table! {
    investigation_events (id) {
        id -> Int8,
        investigation_id -> Int8,
        at -> Timestamptz,
        actor_id -> Nullable<Int8>,
        kind -> Text,
        note -> Text,
        details -> Jsonb,
    }
}

diesel::table! {
    investigation_inspections (investigation_id, inspection_id) {
        investigation_id -> Int8,
        inspection_id -> Int8,
    }
}

diesel::table! {
    investigations (id) {
        id -> Int8,
        agency_id -> Int8,
        offenses -> Array<Nullable<Text>>,
        opened_on -> Date,
        reference -> Text,
        suspects -> Int4,
        stage -> Text,
        in_court_on -> Nullable<Date>,
        decided_on -> Nullable<Date>,
        stage_on -> Date,
        suspended_from -> Nullable<Text>,
        prison_months -> Nullable<Int4>,
        fine -> Nullable<Numeric>,
        other_penalty -> Text,
        notes -> Text,
        created_by -> Int8,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    known_devices (token_hash) {
        token_hash -> Bytea,
        user_id -> Int8,
        failed_logins -> Int4,
        locked_until -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        last_used_at -> Timestamptz,
    }
}

diesel::table! {
    le_referrals (id) {
        id -> Int8,
        agency_id -> Int8,
        case_id -> Nullable<Int8>,
        inspection_id -> Nullable<Int8>,
        note -> Text,
        status -> Text,
        decline_reason -> Text,
        investigation_id -> Nullable<Int8>,
        sent_by -> Int8,
        sent_at -> Timestamptz,
        answered_at -> Nullable<Timestamptz>,
        version -> Int4,
        sent_on -> Date,
        shared_data -> Jsonb,
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
    penalties (id) {
        id -> Int8,
        inspection_id -> Int8,
        legal_basis -> Text,
        imposed -> Numeric,
        collected -> Numeric,
        collected_on -> Nullable<Date>,
        status -> Text,
        version -> Int4,
        created_at -> Timestamptz,
        decided_on -> Date,
        recorded_by -> Nullable<Int8>,
    }
}

diesel::table! {
    penalty_payments (id) {
        id -> Int8,
        penalty_id -> Int8,
        paid_on -> Date,
        amount -> Numeric,
        recorded_by -> Nullable<Int8>,
        recorded_at -> Timestamptz,
    }
}

diesel::table! {
    penalty_violations (penalty_id, kind) {
        penalty_id -> Int8,
        inspection_id -> Int8,
        kind -> Text,
        cancelled -> Bool,
    }
}

diesel::table! {
    prosecutor_staff (agency_id, year) {
        agency_id -> Int8,
        year -> Int4,
        staff -> Int4,
    }
}

diesel::table! {
    public_releases (id) {
        id -> Int8,
        kind -> Text,
        year -> Nullable<Int4>,
        revision -> Nullable<Int4>,
        period_key -> Nullable<Text>,
        as_of -> Date,
        published_at -> Timestamptz,
        published_by -> Nullable<Int8>,
        note -> Nullable<Text>,
        suppression_threshold -> Int4,
        contents -> Jsonb,
        data_csv -> Text,
        data_json -> Text,
        csv_sha256 -> Text,
        json_sha256 -> Text,
    }
}

diesel::table! {
    recommendations (id) {
        id -> Int4,
        code -> Text,
        status -> Text,
        note -> Text,
        updated_by -> Nullable<Int8>,
        updated_at -> Timestamptz,
        version -> Int4,
    }
}

diesel::table! {
    recovery_codes (code_hash) {
        code_hash -> Bytea,
        user_id -> Int8,
        created_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
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
        started_on -> Nullable<Date>,
        ended_on -> Nullable<Date>,
        shared_data -> Jsonb,
    }
}

diesel::table! {
    report_child_contributions (anchor, anchor_id, cell, child_id, location_id, year) {
        anchor -> Text,
        anchor_id -> Int8,
        cell -> Text,
        child_id -> Int8,
        location_id -> Int4,
        year -> Int4,
    }
}

diesel::table! {
    report_child_counts (cell, territory_id, year) {
        cell -> Text,
        territory_id -> Int4,
        year -> Int4,
        children -> Int4,
    }
}

diesel::table! {
    report_child_members (child_id, cell, territory_id, year) {
        child_id -> Int8,
        cell -> Text,
        territory_id -> Int4,
        year -> Int4,
        refs -> Int4,
    }
}

diesel::table! {
    report_contributions (anchor, anchor_id, figure, location_id, year) {
        anchor -> Text,
        anchor_id -> Int8,
        figure -> Text,
        location_id -> Int4,
        year -> Int4,
        value -> Numeric,
    }
}

diesel::table! {
    report_persons_changes (slot) {
        slot -> Int4,
        changes -> Int8,
    }
}

diesel::table! {
    report_rollups (figure, location_id, year, stripe) {
        figure -> Text,
        location_id -> Int4,
        year -> Int4,
        value -> Numeric,
        stripe -> Int2,
    }
}

diesel::table! {
    saved_searches (session_hash, kind) {
        session_hash -> Bytea,
        kind -> Text,
        query -> Jsonb,
        saved_at -> Timestamptz,
    }
}

diesel::table! {
    school_fee_complaints (id) {
        id -> Int8,
        school_id -> Int8,
        location_id -> Int4,
        charged_on -> Date,
        amount -> Numeric,
        complainant_name -> Text,
        complainant_contact -> Text,
        description -> Text,
        action_taken -> Text,
        status -> Text,
        status_since -> Timestamptz,
        logged_by -> Int8,
        logged_at -> Timestamptz,
        version -> Int4,
        updated_at -> Timestamptz,
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
    training_records (id) {
        id -> Int8,
        user_id -> Int8,
        course -> Text,
        completed_on -> Date,
        provider -> Text,
        certificate_number -> Nullable<Text>,
        hours -> Nullable<Int4>,
        recorded_by -> Int8,
        recorded_at -> Timestamptz,
        version -> Int4,
        updated_at -> Timestamptz,
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
        totp_last_step -> Nullable<Int8>,
        second_factor_due_at -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(agencies -> locations (location_id));
diesel::joinable!(audit_children_seen -> users (actor_id));
diesel::joinable!(audit_log -> audit_actions (action));
diesel::joinable!(audit_log -> users (actor_id));
diesel::joinable!(case_events -> cases (case_id));
diesel::joinable!(case_events -> users (actor_id));
diesel::joinable!(cases -> children (child_id));
diesel::joinable!(cases -> inspections (inspection_id));
diesel::joinable!(cases -> locations (location_id));
diesel::joinable!(children -> locations (home_location_id));
diesel::joinable!(establishments -> locations (location_id));
diesel::joinable!(establishments -> users (created_by));
diesel::joinable!(follow_ups -> cases (case_id));
diesel::joinable!(follow_ups -> users (visited_by));
diesel::joinable!(inspection_inspectors -> inspections (inspection_id));
diesel::joinable!(inspection_inspectors -> users (user_id));
diesel::joinable!(inspection_violations -> inspections (inspection_id));
diesel::joinable!(inspections -> establishments (establishment_id));
diesel::joinable!(inspections -> locations (location_id));
diesel::joinable!(inspector_posts -> agencies (agency_id));
diesel::joinable!(inspector_posts -> users (user_id));
diesel::joinable!(investigation_cases -> cases (case_id));
diesel::joinable!(investigation_cases -> investigations (investigation_id));
diesel::joinable!(investigation_events -> investigations (investigation_id));
diesel::joinable!(investigation_events -> users (actor_id));
diesel::joinable!(investigation_inspections -> inspections (inspection_id));
diesel::joinable!(investigation_inspections -> investigations (investigation_id));
diesel::joinable!(investigations -> agencies (agency_id));
diesel::joinable!(investigations -> users (created_by));
diesel::joinable!(known_devices -> users (user_id));
diesel::joinable!(le_referrals -> agencies (agency_id));
diesel::joinable!(le_referrals -> cases (case_id));
diesel::joinable!(le_referrals -> inspections (inspection_id));
diesel::joinable!(le_referrals -> investigations (investigation_id));
diesel::joinable!(le_referrals -> users (sent_by));
diesel::joinable!(penalties -> inspections (inspection_id));
diesel::joinable!(penalty_payments -> penalties (penalty_id));
diesel::joinable!(penalty_payments -> users (recorded_by));
diesel::joinable!(penalty_violations -> penalties (penalty_id));
diesel::joinable!(prosecutor_staff -> agencies (agency_id));
diesel::joinable!(public_releases -> users (published_by));
diesel::joinable!(recommendations -> users (updated_by));
diesel::joinable!(referrals -> agencies (agency_id));
diesel::joinable!(referrals -> cases (case_id));
diesel::joinable!(referrals -> users (sent_by));
diesel::joinable!(school_fee_complaints -> agencies (school_id));
diesel::joinable!(school_fee_complaints -> locations (location_id));
diesel::joinable!(school_fee_complaints -> users (logged_by));
diesel::joinable!(saved_searches -> sessions (session_hash));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(recovery_codes -> users (user_id));
diesel::joinable!(report_child_counts -> locations (territory_id));
diesel::joinable!(report_rollups -> locations (location_id));
diesel::joinable!(users -> agencies (agency_id));
diesel::joinable!(users -> locations (location_id));

diesel::allow_tables_to_appear_in_same_query!(
    agencies,
    audit_actions,
    audit_children_seen,
    audit_log,
    case_events,
    cases,
    children,
    establishments,
    follow_ups,
    inspection_inspectors,
    inspection_violations,
    inspections,
    inspector_posts,
    investigation_cases,
    investigation_events,
    investigation_inspections,
    investigations,
    known_devices,
    le_referrals,
    locations,
    penalties,
    penalty_payments,
    penalty_violations,
    prosecutor_staff,
    public_releases,
    recommendations,
    recovery_codes,
    referrals,
    report_child_contributions,
    report_child_counts,
    report_child_members,
    report_contributions,
    report_persons_changes,
    report_rollups,
    saved_searches,
    school_fee_complaints,
    sessions,
    training_records,
    users,
);
