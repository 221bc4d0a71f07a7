//! The Amplitude → Mixpanel table, as data: for each Amplitude method, the Mixpanel call it
//! becomes or the reason a person has to migrate it. `../shared/reference/api-mapping.md` is
//! the source of truth; each row names the reference row it follows. Argument-shape rules
//! (arity, `null` user ids, option objects) live in `plan.rs`, which reads this table.

/// A Mixpanel call amp2mp emits, by kind (the summary counts rewrites by kind).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    Init,
    Track,
    TrackWithGroups,
    Identify,
    Reset,
    PeopleSet,
    /// An Identify builder: one `people.<op>` call per operation kind.
    People,
    /// A group Identify: `get_group(type, name).<op>` calls.
    GroupIdentify,
    SetGroup,
    OptOut,
    OptIn,
    HasOptedOut,
    GetProperty,
    /// A revenue event: `track('Revenue', { price, quantity, … })`.
    Revenue,
    /// A call Mixpanel needs no counterpart for (`flush()`): deleted.
    Removed,
}

impl Target {
    /// The Mixpanel method path, as written after the receiver and used in summaries.
    pub fn method(self) -> &'static str {
        match self {
            Target::Init => "init",
            Target::Track => "track",
            Target::TrackWithGroups => "track_with_groups",
            Target::Identify => "identify",
            Target::Reset => "reset",
            Target::PeopleSet => "people.set",
            Target::People => "people.*",
            Target::GroupIdentify => "get_group",
            Target::SetGroup => "set_group",
            Target::OptOut => "opt_out_tracking",
            Target::OptIn => "opt_in_tracking",
            Target::HasOptedOut => "has_opted_out_tracking",
            Target::GetProperty => "get_property",
            Target::Revenue => "track (revenue)",
            Target::Removed => "removed",
        }
    }
}

impl Target {
    /// How Mixpanel's call behaves differently from the Amplitude one it replaces (reference
    /// §3-§5), for the migration report; `None` when nothing needs saying.
    pub fn caveat(self) -> Option<&'static str> {
        Some(match self {
            Target::Init => "Mixpanel must be initialised before any other call (calling it before `init` throws; Amplitude's SDK queued such calls), and the token is the Mixpanel project token, not the Amplitude API key.",
            Target::Track | Target::TrackWithGroups | Target::Revenue => "Events are batched and sent on page hide; Mixpanel's `/track` drops events older than 5 days (use `/import` for backfills).",
            Target::Identify => "`identify()` also sends queued people operations and an `$identify` event when the id changes.",
            Target::Reset => "`reset()` also clears every super property and makes a new device id (Amplitude's `setUserId(null)` kept the device id).",
            Target::PeopleSet | Target::People | Target::GroupIdentify | Target::SetGroup => "People operations are queued until `identify()` has been called, and are not stamped on events.",
            Target::OptOut => "`opt_out_tracking` is called with `{ delete_user: false }`: its default deletes the user's profile. Mixpanel also treats browsers that send Do-Not-Track as opted out unless `ignore_dnt: true`.",
            Target::OptIn => "`opt_in_tracking()` tracks an `$opt_in` event (pass `{ track: () => {} }` to suppress it).",
            Target::HasOptedOut => "`has_opted_out_tracking()` is also true in browsers that send Do-Not-Track.",
            Target::GetProperty => "`get_property('$user_id')` is undefined until `identify()`; `get_distinct_id()` returns `$device:<uuid>` while anonymous.",
            Target::Removed => return None,
        })
    }
}

/// What happens to a call of an Amplitude method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Rewritten to this Mixpanel call (when the arguments have a shape `plan.rs` accepts).
    Rewrite(Target),
    /// Produces another Amplitude client (`getInstance`, `createInstance`): followed, not reported.
    Client,
    /// Left for a person, with the reason.
    Report(&'static str),
}

/// The table: Amplitude method name → action. Both SDKs share method names, so one table serves
/// `amplitude-js` clients and `@amplitude/analytics-browser` functions alike.
pub const TABLE: &[(&str, Action)] = &[
    // §3 init, logEvent/track, setUserId, reset, setUserProperties, setGroup
    ("init", Action::Rewrite(Target::Init)),
    ("logEvent", Action::Rewrite(Target::Track)),
    ("track", Action::Rewrite(Target::Track)),
    ("setUserId", Action::Rewrite(Target::Identify)),
    ("reset", Action::Rewrite(Target::Reset)),
    ("setUserProperties", Action::Rewrite(Target::PeopleSet)),
    ("setGlobalUserProperties", Action::Rewrite(Target::PeopleSet)),
    ("setGroup", Action::Rewrite(Target::SetGroup)),
    // §3 amplitude.getInstance() / createInstance()
    ("getInstance", Action::Client),
    ("createInstance", Action::Client),
    // §3 Identify and group Identify builders
    ("identify", Action::Rewrite(Target::People)),
    ("groupIdentify", Action::Rewrite(Target::GroupIdentify)),
    // §3 events with a timestamp or groups
    ("logEventWithTimestamp", Action::Rewrite(Target::Track)),
    ("logEventWithGroups", Action::Rewrite(Target::TrackWithGroups)),
    // §3 revenue
    ("logRevenue", Action::Rewrite(Target::Revenue)),
    ("logRevenueV2", Action::Rewrite(Target::Revenue)),
    ("revenue", Action::Rewrite(Target::Revenue)),
    // §3 consent and identity
    ("setOptOut", Action::Rewrite(Target::OptOut)),
    ("getOptOut", Action::Rewrite(Target::HasOptedOut)),
    ("regenerateDeviceId", Action::Rewrite(Target::Reset)),
    ("getUserId", Action::Rewrite(Target::GetProperty)),
    ("getDeviceId", Action::Rewrite(Target::GetProperty)),
    // §3 flush: Mixpanel sends batches on page hide by itself
    ("flush", Action::Rewrite(Target::Removed)),
    // §5 @amplitude/react-native's flush
    ("uploadEvents", Action::Rewrite(Target::Removed)),
    // §3 config-ish calls: Mixpanel has them as set_config/register, left for a person
    ("setVersionName", Action::Report("becomes mixpanel.register({ app_version: v }) if you want the version on every event: migrate by hand")),
    ("setDomain", Action::Report("becomes mixpanel.set_config({ cookie_domain: d }): migrate by hand")),
    ("setTransport", Action::Report("'beacon' becomes mixpanel.set_config({ api_transport: 'sendBeacon' }); other transports have no equivalent: migrate by hand")),
    ("setServerZone", Action::Report("becomes mixpanel.set_config({ api_host: 'https://api-eu.mixpanel.com' }) for the EU: migrate by hand")),
    ("setServerUrl", Action::Report("becomes mixpanel.set_config({ api_host: url }); the proxy must forward Mixpanel's routes: migrate by hand")),
    ("setEventUploadThreshold", Action::Report("becomes mixpanel.set_config({ batch_size: n }): migrate by hand")),
    // §3 rows with no Mixpanel counterpart
    ("setDeviceId", Action::Report("Mixpanel has no public API to set the device id")),
    ("clearUserProperties", Action::Report("no Mixpanel equivalent: people.delete_user() deletes the whole profile; unset the known keys instead")),
    ("setSessionId", Action::Report("Mixpanel computes sessions server-side: no equivalent")),
    ("getSessionId", Action::Report("Mixpanel computes sessions server-side: no equivalent")),
    ("resetSessionId", Action::Report("Mixpanel computes sessions server-side: no equivalent")),
    ("extendSession", Action::Report("Mixpanel computes sessions server-side: no equivalent")),
    ("isNewSession", Action::Report("Mixpanel computes sessions server-side: no equivalent")),
    ("onNewSessionStart", Action::Report("Mixpanel computes sessions server-side: no equivalent")),
    ("setMinTimeBetweenSessionsMillis", Action::Report("Mixpanel computes sessions server-side: no equivalent")),
    ("add", Action::Report("Amplitude plugins have no Mixpanel equivalent (hooks.before_track can replace simple enrichment): migrate by hand")),
    ("remove", Action::Report("Amplitude plugins have no Mixpanel equivalent: migrate by hand")),
    ("setIdentity", Action::Report("no Mixpanel equivalent")),
    ("getIdentity", Action::Report("no Mixpanel equivalent")),
    ("setLibrary", Action::Report("no Mixpanel equivalent")),
    ("setUseDynamicConfig", Action::Report("no Mixpanel equivalent")),
    ("enableTracking", Action::Report("deferred initialisation: use opt_out_tracking_by_default in mixpanel.init and call mixpanel.opt_in_tracking() here: migrate by hand")),
    ("onInit", Action::Report("use the `loaded` option of mixpanel.init: migrate by hand")),
    ("clearStorage", Action::Report("no direct equivalent: mixpanel.reset() clears Mixpanel's persistence and the user")),
    ("initAll", Action::Report("@amplitude/unified initAll: becomes mixpanel.init(token, config); session replay and experiment settings are not compatible: migrate by hand")),
];

/// The action for `method`; methods the table does not list are reported.
pub fn action(method: &str) -> Action {
    TABLE
        .iter()
        .find(|(name, _)| *name == method)
        .map_or(Action::Report(UNKNOWN), |&(_, a)| a)
}

/// The reason given for a method the table does not know.
pub const UNKNOWN: &str = "no Mixpanel mapping known for this Amplitude method";

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(m: &str) -> Option<Target> {
        match action(m) {
            Action::Rewrite(t) => Some(t),
            _ => None,
        }
    }

    #[test]
    fn init_row() {
        assert_eq!(rewrite("init"), Some(Target::Init));
        assert_eq!(Target::Init.method(), "init");
    }

    #[test]
    fn log_event_and_track_rows() {
        assert_eq!(rewrite("logEvent"), Some(Target::Track));
        assert_eq!(rewrite("track"), Some(Target::Track));
        assert_eq!(Target::Track.method(), "track");
    }

    #[test]
    fn set_user_id_row() {
        assert_eq!(rewrite("setUserId"), Some(Target::Identify));
        assert_eq!(Target::Identify.method(), "identify");
    }

    #[test]
    fn reset_row() {
        assert_eq!(rewrite("reset"), Some(Target::Reset));
        assert_eq!(Target::Reset.method(), "reset");
    }

    #[test]
    fn set_user_properties_rows() {
        assert_eq!(rewrite("setUserProperties"), Some(Target::PeopleSet));
        assert_eq!(rewrite("setGlobalUserProperties"), Some(Target::PeopleSet));
        assert_eq!(Target::PeopleSet.method(), "people.set");
    }

    #[test]
    fn set_group_row() {
        assert_eq!(rewrite("setGroup"), Some(Target::SetGroup));
        assert_eq!(Target::SetGroup.method(), "set_group");
    }

    #[test]
    fn builder_rows() {
        assert_eq!(rewrite("identify"), Some(Target::People));
        assert_eq!(rewrite("groupIdentify"), Some(Target::GroupIdentify));
        assert_eq!(Target::GroupIdentify.method(), "get_group");
    }

    #[test]
    fn event_rows() {
        assert_eq!(rewrite("logEventWithTimestamp"), Some(Target::Track));
        assert_eq!(rewrite("logEventWithGroups"), Some(Target::TrackWithGroups));
        assert_eq!(Target::TrackWithGroups.method(), "track_with_groups");
    }

    #[test]
    fn revenue_rows() {
        for m in ["logRevenue", "logRevenueV2", "revenue"] {
            assert_eq!(rewrite(m), Some(Target::Revenue), "{m}");
        }
    }

    #[test]
    fn consent_and_identity_rows() {
        assert_eq!(rewrite("setOptOut"), Some(Target::OptOut));
        assert_eq!(rewrite("getOptOut"), Some(Target::HasOptedOut));
        assert_eq!(rewrite("regenerateDeviceId"), Some(Target::Reset));
        assert_eq!(rewrite("getUserId"), Some(Target::GetProperty));
        assert_eq!(rewrite("getDeviceId"), Some(Target::GetProperty));
        assert_eq!(rewrite("flush"), Some(Target::Removed));
    }

    #[test]
    fn every_rewrite_kind_but_removal_has_a_caveat() {
        assert!(Target::Reset.caveat().unwrap().contains("super propert"));
        assert!(Target::OptOut.caveat().unwrap().contains("delete_user"));
        assert_eq!(Target::Removed.caveat(), None);
    }

    #[test]
    fn client_producers_are_followed() {
        assert_eq!(action("getInstance"), Action::Client);
        assert_eq!(action("createInstance"), Action::Client);
    }

    #[test]
    fn every_reported_row_has_a_reason_and_names_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for (name, a) in TABLE {
            assert!(seen.insert(*name), "duplicate row {name}");
            if let Action::Report(reason) = a {
                assert!(reason.len() > 10, "{name}");
            }
        }
        assert_eq!(action("somethingElse"), Action::Report(UNKNOWN));
        assert!(matches!(action("setDeviceId"), Action::Report(r) if r.contains("device id")));
    }
}
