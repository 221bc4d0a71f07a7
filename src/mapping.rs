//! The Amplitude → Mixpanel table, as data: for each Amplitude method, the Mixpanel call it
//! becomes or the reason a person has to migrate it. `../shared/reference/api-mapping.md` is
//! the source of truth; each row names the reference row it follows. Argument-shape rules
//! (arity, `null` user ids, option objects) live in `plan.rs`, which reads this table.

/// A Mixpanel call amp2mp emits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    Init,
    Track,
    Identify,
    Reset,
    PeopleSet,
    SetGroup,
}

impl Target {
    /// The Mixpanel method path, as written after the receiver and used in summaries.
    pub fn method(self) -> &'static str {
        match self {
            Target::Init => "init",
            Target::Track => "track",
            Target::Identify => "identify",
            Target::Reset => "reset",
            Target::PeopleSet => "people.set",
            Target::SetGroup => "set_group",
        }
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

const NOT_YET: &str = "(not rewritten yet)";

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
    // §3 rows that need builders or option mapping
    ("identify", Action::Report("Identify builder: becomes one mixpanel.people.* call per operation (set, set_once, increment, append, union, unset, remove) (not rewritten yet)")),
    ("groupIdentify", Action::Report("group Identify: becomes mixpanel.get_group(type, name).set(...) per operation (not rewritten yet)")),
    ("logEventWithTimestamp", Action::Report("the timestamp becomes a `time` event property of mixpanel.track (not rewritten yet)")),
    ("logEventWithGroups", Action::Report("becomes mixpanel.track_with_groups(event, props, groups) (not rewritten yet)")),
    ("logRevenue", Action::Report("revenue becomes a mixpanel.track of the revenue event with price, quantity and product_id (not rewritten yet)")),
    ("logRevenueV2", Action::Report("revenue becomes a mixpanel.track of the revenue event with price, quantity and product_id (not rewritten yet)")),
    ("revenue", Action::Report("revenue becomes a mixpanel.track of the revenue event with price, quantity and product_id (not rewritten yet)")),
    ("setOptOut", Action::Report("becomes mixpanel.opt_out_tracking({ delete_user: false }) or mixpanel.opt_in_tracking(); the default opt_out_tracking() deletes the profile (not rewritten yet)")),
    ("getOptOut", Action::Report("becomes mixpanel.has_opted_out_tracking(), which is also true for Do-Not-Track browsers (not rewritten yet)")),
    ("regenerateDeviceId", Action::Report("becomes mixpanel.reset(), which also clears the user id and super properties (not rewritten yet)")),
    ("getUserId", Action::Report("becomes mixpanel.get_property('$user_id') (not rewritten yet)")),
    ("getDeviceId", Action::Report("becomes mixpanel.get_property('$device_id') (not rewritten yet)")),
    ("setVersionName", Action::Report("becomes mixpanel.register({ app_version }) (not rewritten yet)")),
    ("setDomain", Action::Report("becomes mixpanel.set_config({ cookie_domain }) (not rewritten yet)")),
    ("setTransport", Action::Report("'beacon' becomes mixpanel.set_config({ api_transport: 'sendBeacon' }); other transports have no equivalent (not rewritten yet)")),
    ("setServerZone", Action::Report("becomes mixpanel.set_config({ api_host }) for the region (not rewritten yet)")),
    ("setServerUrl", Action::Report("becomes mixpanel.set_config({ api_host }); the proxy must forward Mixpanel's routes (not rewritten yet)")),
    ("setEventUploadThreshold", Action::Report("becomes mixpanel.set_config({ batch_size }) (not rewritten yet)")),
    ("flush", Action::Report("Mixpanel has no public flush(): batches are sent on page hide; remove the call")),
    ("setDeviceId", Action::Report("Mixpanel has no public API to set the device id")),
    ("clearUserProperties", Action::Report("no Mixpanel equivalent: people.delete_user() deletes the whole profile; unset the known keys instead")),
    ("setSessionId", Action::Report("Mixpanel computes sessions server-side: no equivalent")),
    ("getSessionId", Action::Report("Mixpanel computes sessions server-side: no equivalent")),
    ("resetSessionId", Action::Report("Mixpanel computes sessions server-side: no equivalent")),
    ("extendSession", Action::Report("Mixpanel computes sessions server-side: no equivalent")),
    ("isNewSession", Action::Report("Mixpanel computes sessions server-side: no equivalent")),
    ("onNewSessionStart", Action::Report("Mixpanel computes sessions server-side: no equivalent")),
    ("setMinTimeBetweenSessionsMillis", Action::Report("Mixpanel computes sessions server-side: no equivalent")),
    ("add", Action::Report("Amplitude plugins have no Mixpanel equivalent (hooks.before_track can replace simple enrichment)")),
    ("remove", Action::Report("Amplitude plugins have no Mixpanel equivalent")),
    ("setIdentity", Action::Report("no Mixpanel equivalent")),
    ("getIdentity", Action::Report("no Mixpanel equivalent")),
    ("setLibrary", Action::Report("no Mixpanel equivalent")),
    ("setUseDynamicConfig", Action::Report("no Mixpanel equivalent")),
    ("enableTracking", Action::Report("deferred initialisation: use opt_out_tracking_by_default and mixpanel.opt_in_tracking() (not rewritten yet)")),
    ("onInit", Action::Report("use the `loaded` callback of mixpanel.init (not rewritten yet)")),
    ("clearStorage", Action::Report("no direct equivalent: mixpanel.reset() clears Mixpanel's persistence")),
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

/// Suffix shared by reasons that a later version of amp2mp will rewrite.
pub fn not_yet() -> &'static str {
    NOT_YET
}

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
        assert!(matches!(action("flush"), Action::Report(r) if r.contains("no public flush")));
        assert!(matches!(action("identify"), Action::Report(r) if r.ends_with(not_yet())));
    }
}
