//! Every property the spec lists for a schema is present in what we serialise, and nothing
//! else is: the clients turn a missing key into None/undefined silently.

use serde_json::Value;
use switchboard_wire::account::{account_uri, Account, AccountSubresourceUris};

fn spec() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/spec/twilio_api_v2010.json"
    );
    let text =
        std::fs::read_to_string(path).expect("shared/spec/twilio_api_v2010.json beside the repo");
    serde_json::from_str(&text).unwrap()
}

fn schema_keys(spec: &Value, name: &str) -> Vec<String> {
    spec["components"]["schemas"][name]["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("schema {name}"))
        .keys()
        .cloned()
        .collect()
}

#[test]
fn account_has_every_spec_property_in_order() {
    let spec = spec();
    let sid = "AC0123456789abcdef0123456789abcdef";
    let account = Account {
        auth_token: "0".repeat(32),
        date_created: "x".into(),
        date_updated: "x".into(),
        friendly_name: "x".into(),
        owner_account_sid: sid.into(),
        sid: sid.into(),
        status: "active",
        subresource_uris: AccountSubresourceUris::for_account(sid),
        account_type: "Full",
        uri: account_uri(sid),
    };
    let v = serde_json::to_value(&account).unwrap();
    let ours: Vec<String> = {
        // serde_json without preserve_order sorts keys; compare as sets, and check the
        // declared order through the struct's serialisation string instead.
        let s = serde_json::to_string(&account).unwrap();
        let mut keys: Vec<(usize, String)> = v
            .as_object()
            .unwrap()
            .keys()
            .map(|k| (s.find(&format!("\"{k}\":")).unwrap(), k.clone()))
            .collect();
        keys.sort();
        keys.into_iter().map(|(_, k)| k).collect()
    };
    assert_eq!(ours, schema_keys(&spec, "api.v2010.account"));
}

#[test]
fn account_subresource_uris_match_the_spec_example() {
    let spec = spec();
    let example = &spec["paths"]["/2010-04-01/Accounts/{Sid}.json"]["get"]["responses"]["200"]
        ["content"]["application/json"]["examples"]["fetch"]["value"];
    let sid = example["sid"].as_str().unwrap();
    let ours = serde_json::to_value(AccountSubresourceUris::for_account(sid)).unwrap();
    assert_eq!(ours, example["subresource_uris"]);
    assert_eq!(account_uri(sid), example["uri"].as_str().unwrap());
}

fn keys_in_order<T: serde::Serialize>(value: &T) -> Vec<String> {
    let s = serde_json::to_string(value).unwrap();
    let v: Value = serde_json::from_str(&s).unwrap();
    let mut keys: Vec<(usize, String)> = v
        .as_object()
        .unwrap()
        .keys()
        .map(|k| (s.find(&format!("\"{k}\":")).unwrap(), k.clone()))
        .collect();
    keys.sort();
    keys.into_iter().map(|(_, k)| k).collect()
}

#[test]
fn incoming_phone_number_has_every_spec_property_in_order() {
    use switchboard_wire::incoming_phone_number::*;
    let caps = Capabilities {
        mms: true,
        sms: true,
        voice: true,
        fax: false,
    };
    let n = IncomingPhoneNumber {
        account_sid: String::new(),
        address_sid: None,
        address_requirements: "none".into(),
        api_version: String::new(),
        beta: false,
        capabilities: caps,
        date_created: String::new(),
        date_updated: String::new(),
        friendly_name: String::new(),
        identity_sid: None,
        phone_number: String::new(),
        origin: "twilio",
        sid: String::new(),
        sms_application_sid: None,
        sms_fallback_method: String::new(),
        sms_fallback_url: None,
        sms_method: String::new(),
        sms_url: None,
        status_callback: None,
        status_callback_method: String::new(),
        trunk_sid: None,
        uri: String::new(),
        voice_receive_mode: String::new(),
        voice_application_sid: None,
        voice_caller_id_lookup: false,
        voice_fallback_method: String::new(),
        voice_fallback_url: None,
        voice_method: String::new(),
        voice_url: None,
        emergency_status: String::new(),
        emergency_address_sid: None,
        emergency_address_status: String::new(),
        bundle_sid: None,
        status: "in-use",
        number_type: "local",
    };
    let spec = spec();
    assert_eq!(
        keys_in_order(&n),
        schema_keys(&spec, "api.v2010.account.incoming_phone_number")
    );
    let caps_keys: Vec<String> = spec["components"]["schemas"]
        ["api.v2010.account.incoming_phone_number"]["properties"]["capabilities"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(keys_in_order(&caps), caps_keys);
    let available = AvailablePhoneNumber {
        friendly_name: String::new(),
        phone_number: String::new(),
        lata: None,
        locality: None,
        rate_center: None,
        latitude: None,
        longitude: None,
        region: None,
        postal_code: None,
        iso_country: String::new(),
        address_requirements: String::new(),
        beta: false,
        capabilities: caps,
    };
    for schema in [
        "api.v2010.account.available_phone_number_country.available_phone_number_local",
        "api.v2010.account.available_phone_number_country.available_phone_number_mobile",
        "api.v2010.account.available_phone_number_country.available_phone_number_toll_free",
    ] {
        assert_eq!(
            keys_in_order(&available),
            schema_keys(&spec, schema),
            "{schema}"
        );
    }
    let country = AvailablePhoneNumberCountry {
        country_code: String::new(),
        country: String::new(),
        uri: String::new(),
        beta: false,
        subresource_uris: Default::default(),
    };
    assert_eq!(
        keys_in_order(&country),
        schema_keys(&spec, "api.v2010.account.available_phone_number_country")
    );
}

#[test]
fn address_has_every_spec_property_in_order() {
    let a = switchboard_wire::address::Address {
        account_sid: String::new(),
        city: String::new(),
        customer_name: String::new(),
        date_created: String::new(),
        date_updated: String::new(),
        friendly_name: None,
        iso_country: String::new(),
        postal_code: String::new(),
        region: String::new(),
        sid: String::new(),
        street: String::new(),
        uri: String::new(),
        emergency_enabled: false,
        validated: true,
        verified: false,
        street_secondary: None,
    };
    assert_eq!(
        keys_in_order(&a),
        schema_keys(&spec(), "api.v2010.account.address")
    );
}

#[test]
fn call_and_message_have_every_spec_property_in_order() {
    use switchboard_wire::call::{Call, CallSubresourceUris};
    use switchboard_wire::message::{Message, MessageSubresourceUris};
    let c = Call {
        sid: String::new(),
        date_created: String::new(),
        date_updated: String::new(),
        parent_call_sid: None,
        account_sid: String::new(),
        to: String::new(),
        to_formatted: String::new(),
        from: String::new(),
        from_formatted: String::new(),
        phone_number_sid: None,
        status: String::new(),
        start_time: None,
        end_time: None,
        duration: None,
        price: None,
        price_unit: String::new(),
        direction: String::new(),
        answered_by: None,
        api_version: String::new(),
        forwarded_from: None,
        group_sid: None,
        caller_name: None,
        queue_time: String::new(),
        trunk_sid: None,
        uri: String::new(),
        subresource_uris: CallSubresourceUris::new("ACx", "CAx"),
    };
    let spec = spec();
    assert_eq!(
        keys_in_order(&c),
        schema_keys(&spec, "api.v2010.account.call")
    );
    let m = Message {
        body: String::new(),
        num_segments: String::new(),
        direction: String::new(),
        from: String::new(),
        to: String::new(),
        date_updated: String::new(),
        price: None,
        error_message: None,
        uri: String::new(),
        account_sid: String::new(),
        num_media: String::new(),
        status: String::new(),
        messaging_service_sid: None,
        sid: String::new(),
        date_sent: None,
        date_created: String::new(),
        error_code: None,
        price_unit: String::new(),
        api_version: String::new(),
        subresource_uris: MessageSubresourceUris {
            media: String::new(),
        },
    };
    assert_eq!(
        keys_in_order(&m),
        schema_keys(&spec, "api.v2010.account.message")
    );
}

#[test]
fn keys_have_every_spec_property_in_order() {
    use switchboard_wire::key::{Key, NewKey};
    let spec = spec();
    let k = Key {
        sid: String::new(),
        friendly_name: String::new(),
        date_created: String::new(),
        date_updated: String::new(),
    };
    assert_eq!(
        keys_in_order(&k),
        schema_keys(&spec, "api.v2010.account.key")
    );
    assert_eq!(
        keys_in_order(&k),
        schema_keys(&spec, "api.v2010.account.signing_key")
    );
    let n = NewKey {
        sid: String::new(),
        friendly_name: String::new(),
        date_created: String::new(),
        date_updated: String::new(),
        secret: String::new(),
    };
    assert_eq!(
        keys_in_order(&n),
        schema_keys(&spec, "api.v2010.account.new_key")
    );
    assert_eq!(
        keys_in_order(&n),
        schema_keys(&spec, "api.v2010.account.new_signing_key")
    );
}

#[test]
fn notifications_have_every_spec_property_in_order() {
    use switchboard_wire::notification::Notification;
    let spec = spec();
    let mut n = Notification {
        account_sid: String::new(),
        api_version: String::new(),
        call_sid: None,
        date_created: String::new(),
        date_updated: String::new(),
        error_code: String::new(),
        log: String::new(),
        message_date: String::new(),
        message_text: String::new(),
        more_info: String::new(),
        request_method: String::new(),
        request_url: String::new(),
        request_variables: None,
        response_body: None,
        response_headers: None,
        sid: String::new(),
        uri: String::new(),
    };
    for list in [
        "api.v2010.account.notification",
        "api.v2010.account.call.call_notification",
    ] {
        assert_eq!(keys_in_order(&n), schema_keys(&spec, list));
    }
    n.request_variables = Some(String::new());
    n.response_body = Some(String::new());
    n.response_headers = Some(String::new());
    for instance in [
        "api.v2010.account.notification-instance",
        "api.v2010.account.call.call_notification-instance",
    ] {
        assert_eq!(keys_in_order(&n), schema_keys(&spec, instance));
    }
}

#[test]
fn recordings_have_every_spec_property_in_order() {
    use switchboard_wire::recording::{Recording, RecordingSubresourceUris};
    let spec = spec();
    let r = Recording {
        account_sid: String::new(),
        api_version: String::new(),
        call_sid: String::new(),
        conference_sid: None,
        date_created: String::new(),
        date_updated: String::new(),
        start_time: String::new(),
        duration: String::new(),
        sid: String::new(),
        price: None,
        price_unit: String::new(),
        status: String::new(),
        channels: 1,
        source: String::new(),
        error_code: None,
        uri: String::new(),
        encryption_details: None,
        subresource_uris: RecordingSubresourceUris {
            add_on_results: String::new(),
            transcriptions: String::new(),
        },
        media_url: String::new(),
    };
    assert_eq!(
        keys_in_order(&r),
        schema_keys(&spec, "api.v2010.account.recording")
    );
    assert_eq!(
        keys_in_order(&r.for_call()),
        schema_keys(&spec, "api.v2010.account.call.call_recording")
    );
}

#[test]
fn usage_records_and_balance_have_every_spec_property_in_order() {
    use switchboard_wire::usage::{Balance, UsageRecord, UsageRecordSubresourceUris};
    let spec = spec();
    let sid = "AC0123456789abcdef0123456789abcdef";
    let r = UsageRecord {
        account_sid: sid.into(),
        api_version: String::new(),
        as_of: String::new(),
        category: String::new(),
        count: String::new(),
        count_unit: String::new(),
        description: String::new(),
        end_date: String::new(),
        price: String::new(),
        price_unit: String::new(),
        start_date: String::new(),
        subresource_uris: UsageRecordSubresourceUris::new(sid, "calls"),
        uri: String::new(),
        usage: String::new(),
        usage_unit: String::new(),
    };
    for schema in [
        "api.v2010.account.usage.usage_record",
        "api.v2010.account.usage.usage_record.usage_record_daily",
        "api.v2010.account.usage.usage_record.usage_record_all_time",
    ] {
        assert_eq!(keys_in_order(&r), schema_keys(&spec, schema), "{schema}");
    }
    let b = Balance {
        account_sid: sid.into(),
        balance: String::new(),
        currency: String::new(),
    };
    assert_eq!(
        keys_in_order(&b),
        schema_keys(&spec, "api.v2010.account.balance")
    );
}

#[test]
fn usage_triggers_have_every_spec_property_in_order() {
    use switchboard_wire::usage::UsageTrigger;
    let t = UsageTrigger {
        account_sid: String::new(),
        api_version: String::new(),
        callback_method: String::new(),
        callback_url: String::new(),
        current_value: String::new(),
        date_created: String::new(),
        date_fired: None,
        date_updated: String::new(),
        friendly_name: String::new(),
        recurring: String::new(),
        sid: String::new(),
        trigger_by: String::new(),
        trigger_value: String::new(),
        uri: String::new(),
        usage_category: String::new(),
        usage_record_uri: String::new(),
    };
    assert_eq!(
        keys_in_order(&t),
        schema_keys(&spec(), "api.v2010.account.usage.usage_trigger")
    );
}
