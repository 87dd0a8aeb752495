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
diesel::joinable!(audit_log -> users (actor_id));
diesel::joinable!(children -> locations (home_location_id));
diesel::joinable!(children -> users (created_by));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(users -> agencies (agency_id));
diesel::joinable!(users -> locations (location_id));

diesel::allow_tables_to_appear_in_same_query!(
    agencies, audit_log, children, locations, sessions, users,
);
