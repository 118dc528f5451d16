//! Answering rule selection: which company rule, and which extension rule,
//! applies to a call from a caller ID to a called number at an instant.
//!
//! The same order applies to both kinds of rule:
//! 1. Disabled rules are ignored.
//! 2. Custom rules come first, tried in ascending numeric id (creation
//!    order, so the answer never depends on how the store listed them);
//!    the first whose every condition holds wins. A custom rule with no
//!    condition at all (no callers, no called numbers, no schedule) is
//!    ignored: RingCentral refuses to create one, and matching every call
//!    would silently shadow the business-hours rule.
//! 3. Otherwise the business-hours rule inside business hours and the
//!    after-hours rule outside them. If that rule is missing or disabled,
//!    the other built-in rule applies, so a call always finds a rule while
//!    either is enabled.
//!
//! An extension's business hours are its own when the user ever saved
//! some, else the company's: a user who never touched the setting works
//! company hours. Saved but empty hours are the user's explicit 24/7.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use crate::model::{
    Account, AnsweringRule, BusinessHours, CalledNumber, CallerInfo, CompanyAnsweringRule,
    Extension, RuleType, Schedule, TimezoneInfo, WeeklyRanges,
};

use super::number::same_number;
use super::schedule::{is_unconditional, local_time, schedule_contains, weekly_contains};

/// The call as rule selection sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncomingCall<'a> {
    /// The number the caller dialled (E.164, or an extension number).
    pub called_number: &'a str,
    /// The caller's number; `None` when withheld.
    pub caller_id: Option<&'a str>,
}

/// Where and when the call is evaluated.
#[derive(Debug, Clone, Copy)]
pub struct RuleContext<'a> {
    pub instant: Timestamp,
    /// The owner's zone: the account's, or the user's for extension rules.
    pub time_zone: &'a TimeZone,
    /// The owner's effective business hours (see [`effective_business_hours`]).
    pub business_hours: &'a WeeklyRanges,
    /// The account's country calling code, to read national numbers.
    pub home_calling_code: &'a str,
}

/// Why a rule was chosen; logged, and useful to explain routing to admins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectedBecause {
    /// A custom rule's conditions all held.
    CustomRuleMatched,
    /// Inside business hours.
    BusinessHours,
    /// Outside business hours.
    AfterHours,
    /// The built-in rule for this moment is missing or disabled; the other
    /// built-in rule stood in.
    OtherBuiltInRule,
}

/// The chosen rule and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection<'a, R> {
    pub rule: &'a R,
    pub because: SelectedBecause,
}

/// The parts of a rule that selection reads, shared by company and
/// extension rules.
pub trait RuleConditions {
    fn id(&self) -> &str;
    fn rule_type(&self) -> RuleType;
    fn enabled(&self) -> bool;
    fn schedule(&self) -> Option<&Schedule>;
    fn callers(&self) -> &[CallerInfo];
    fn called_numbers(&self) -> &[CalledNumber];
}

macro_rules! rule_conditions {
    ($rule:ty) => {
        impl RuleConditions for $rule {
            fn id(&self) -> &str {
                &self.id
            }
            fn rule_type(&self) -> RuleType {
                self.rule_type
            }
            fn enabled(&self) -> bool {
                self.enabled
            }
            fn schedule(&self) -> Option<&Schedule> {
                self.schedule.as_ref()
            }
            fn callers(&self) -> &[CallerInfo] {
                &self.callers
            }
            fn called_numbers(&self) -> &[CalledNumber] {
                &self.called_numbers
            }
        }
    };
}

rule_conditions!(AnsweringRule);
rule_conditions!(CompanyAnsweringRule);

/// The company rule for a call to one of the company's numbers.
/// `ctx.business_hours` is the company's.
pub fn select_company_rule<'a>(
    rules: &'a [CompanyAnsweringRule],
    call: &IncomingCall<'_>,
    ctx: &RuleContext<'_>,
) -> Option<Selection<'a, CompanyAnsweringRule>> {
    select(rules, call, ctx)
}

/// The extension rule for a call to an extension. `ctx.business_hours`
/// is the extension's effective hours and `ctx.time_zone` its zone.
pub fn select_extension_rule<'a>(
    rules: &'a [AnsweringRule],
    call: &IncomingCall<'_>,
    ctx: &RuleContext<'_>,
) -> Option<Selection<'a, AnsweringRule>> {
    select(rules, call, ctx)
}

/// The user's own business hours if they saved any, else the company's.
pub fn effective_business_hours<'a>(
    user: Option<&'a BusinessHours>,
    company: &'a BusinessHours,
) -> &'a WeeklyRanges {
    &user.unwrap_or(company).schedule.weekly_ranges
}

/// The zone an extension's schedules are read in: its own regional
/// settings when it has them, else the account's.
pub fn effective_time_zone<'a>(extension: &'a Extension, account: &'a Account) -> &'a TimezoneInfo {
    match &extension.regional_settings {
        Some(settings) => &settings.timezone,
        None => &account.regional_settings.timezone,
    }
}

/// Whether `ctx.instant` is inside the owner's business hours.
pub fn in_business_hours(ctx: &RuleContext<'_>) -> bool {
    weekly_contains(ctx.business_hours, local_time(ctx.instant, ctx.time_zone))
}

fn select<'a, R: RuleConditions>(
    rules: &'a [R],
    call: &IncomingCall<'_>,
    ctx: &RuleContext<'_>,
) -> Option<Selection<'a, R>> {
    let local = local_time(ctx.instant, ctx.time_zone);
    let selection =
        first_custom_match(rules, call, ctx, local).or_else(|| built_in(rules, ctx, local));

    if let Some(s) = &selection {
        tracing::debug!(rule_id = s.rule.id(), because = ?s.because, "answering rule selected");
    }
    selection
}

fn first_custom_match<'a, R: RuleConditions>(
    rules: &'a [R],
    call: &IncomingCall<'_>,
    ctx: &RuleContext<'_>,
    local: DateTime,
) -> Option<Selection<'a, R>> {
    let mut custom: Vec<&R> = rules
        .iter()
        .filter(|r| r.enabled() && r.rule_type() == RuleType::Custom)
        .filter(|r| has_conditions(*r))
        .collect();
    custom.sort_by(|a, b| custom_order(a.id()).cmp(&custom_order(b.id())));

    let rule = custom
        .into_iter()
        .find(|r| custom_matches(*r, call, ctx, local))?;
    Some(Selection {
        rule,
        because: SelectedBecause::CustomRuleMatched,
    })
}

/// Numeric ids by value, then any others by text.
fn custom_order(id: &str) -> (u64, &str) {
    (id.parse().unwrap_or(u64::MAX), id)
}

fn has_conditions<R: RuleConditions>(rule: &R) -> bool {
    let scheduled = rule.schedule().is_some_and(|s| !is_unconditional(s));
    let conditional = scheduled || !rule.callers().is_empty() || !rule.called_numbers().is_empty();
    if !conditional {
        tracing::debug!(
            rule_id = rule.id(),
            "custom rule without conditions ignored"
        );
    }
    conditional
}

fn custom_matches<R: RuleConditions>(
    rule: &R,
    call: &IncomingCall<'_>,
    ctx: &RuleContext<'_>,
    local: DateTime,
) -> bool {
    caller_matches(rule.callers(), call.caller_id, ctx.home_calling_code)
        && called_number_matches(
            rule.called_numbers(),
            call.called_number,
            ctx.home_calling_code,
        )
        && rule
            .schedule()
            .is_none_or(|s| schedule_contains(s, ctx.business_hours, local))
}

/// An empty list matches every caller; a withheld caller ID matches none.
fn caller_matches(callers: &[CallerInfo], caller_id: Option<&str>, home: &str) -> bool {
    if callers.is_empty() {
        return true;
    }
    let Some(caller_id) = caller_id else {
        return false;
    };
    callers
        .iter()
        .any(|c| same_number(&c.caller_id, caller_id, home))
}

fn called_number_matches(numbers: &[CalledNumber], called: &str, home: &str) -> bool {
    numbers.is_empty()
        || numbers
            .iter()
            .any(|n| same_number(&n.phone_number, called, home))
}

fn built_in<'a, R: RuleConditions>(
    rules: &'a [R],
    ctx: &RuleContext<'_>,
    local: DateTime,
) -> Option<Selection<'a, R>> {
    let (wanted, because, other) = if weekly_contains(ctx.business_hours, local) {
        (
            RuleType::BusinessHours,
            SelectedBecause::BusinessHours,
            RuleType::AfterHours,
        )
    } else {
        (
            RuleType::AfterHours,
            SelectedBecause::AfterHours,
            RuleType::BusinessHours,
        )
    };

    let enabled_of = |t: RuleType| rules.iter().find(|r| r.enabled() && r.rule_type() == t);
    if let Some(rule) = enabled_of(wanted) {
        return Some(Selection { rule, because });
    }
    let rule = enabled_of(other)?;
    Some(Selection {
        rule,
        because: SelectedBecause::OtherBuiltInRule,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        AFTER_HOURS_RULE_ID, BUSINESS_HOURS_RULE_ID, CompanyCallHandlingAction, DateRange,
        ExtensionRef, RegionalSettings, ScheduleRef, TimeRange,
    };
    use jiff::civil::{Weekday, date};

    const MAIN: &str = "+16505550100";
    const SALES_LINE: &str = "+16505550111";
    const VIP: &str = "+14155550199";

    fn company_rule(id: &str, rule_type: RuleType, target: i64) -> CompanyAnsweringRule {
        CompanyAnsweringRule {
            id: id.to_owned(),
            rule_type,
            name: None,
            enabled: true,
            schedule: None,
            called_numbers: Vec::new(),
            callers: Vec::new(),
            call_handling_action: CompanyCallHandlingAction::Operator,
            extension: Some(ExtensionRef::new(target)),
            greetings: Vec::new(),
        }
    }

    fn built_ins() -> Vec<CompanyAnsweringRule> {
        vec![
            company_rule(BUSINESS_HOURS_RULE_ID, RuleType::BusinessHours, 1),
            company_rule(AFTER_HOURS_RULE_ID, RuleType::AfterHours, 2),
        ]
    }

    fn custom(id: &str, target: i64) -> CompanyAnsweringRule {
        company_rule(id, RuleType::Custom, target)
    }

    fn from_caller(mut rule: CompanyAnsweringRule, caller: &str) -> CompanyAnsweringRule {
        rule.callers.push(CallerInfo {
            caller_id: caller.to_owned(),
            name: None,
        });
        rule
    }

    fn to_number(mut rule: CompanyAnsweringRule, number: &str) -> CompanyAnsweringRule {
        rule.called_numbers.push(CalledNumber {
            id: None,
            phone_number: number.to_owned(),
        });
        rule
    }

    fn office_hours() -> WeeklyRanges {
        WeeklyRanges::weekdays(TimeRange {
            from: "09:00".parse().unwrap(),
            to: "18:00".parse().unwrap(),
        })
    }

    fn new_york() -> TimeZone {
        TimeZone::get("America/New_York").unwrap()
    }

    /// The instant of a New York wall-clock time.
    fn ny(y: i16, mo: i8, d: i8, h: i8, mi: i8) -> Timestamp {
        new_york()
            .to_timestamp(date(y, mo, d).at(h, mi, 0, 0))
            .unwrap()
    }

    fn call(from: Option<&'static str>) -> IncomingCall<'static> {
        IncomingCall {
            called_number: MAIN,
            caller_id: from,
        }
    }

    fn chosen(
        rules: &[CompanyAnsweringRule],
        call: IncomingCall<'_>,
        at: Timestamp,
    ) -> Option<String> {
        let (tz, hours) = (new_york(), office_hours());
        let ctx = RuleContext {
            instant: at,
            time_zone: &tz,
            business_hours: &hours,
            home_calling_code: "1",
        };
        select_company_rule(rules, &call, &ctx).map(|s| s.rule.id.clone())
    }

    // 2026-12-07 is a Monday, 2026-12-12 a Saturday.

    #[test]
    fn business_hours_rule_applies_at_10_on_a_weekday() {
        let at = ny(2026, 12, 7, 10, 0);

        assert_eq!(
            chosen(&built_ins(), call(None), at).as_deref(),
            Some(BUSINESS_HOURS_RULE_ID)
        );
    }

    #[test]
    fn after_hours_rule_applies_at_18_on_a_weekday() {
        let at = ny(2026, 12, 7, 18, 0);

        assert_eq!(
            chosen(&built_ins(), call(None), at).as_deref(),
            Some(AFTER_HOURS_RULE_ID)
        );
    }

    #[test]
    fn after_hours_rule_applies_all_saturday() {
        let at = ny(2026, 12, 12, 11, 0);

        assert_eq!(
            chosen(&built_ins(), call(None), at).as_deref(),
            Some(AFTER_HOURS_RULE_ID)
        );
    }

    #[test]
    fn business_hours_follow_the_clock_change_in_new_york() {
        // 2026-11-02 is the Monday after fall-back: 09:00 EST is 14:00 UTC.
        let ctx_at = |utc: &str| chosen(&built_ins(), call(None), utc.parse().unwrap());

        assert_eq!(
            ctx_at("2026-11-02T13:30:00Z").as_deref(),
            Some(AFTER_HOURS_RULE_ID)
        );
        assert_eq!(
            ctx_at("2026-11-02T14:00:00Z").as_deref(),
            Some(BUSINESS_HOURS_RULE_ID)
        );
    }

    #[test]
    fn a_matching_custom_rule_takes_precedence_over_business_hours() {
        let mut rules = built_ins();
        rules.push(from_caller(custom("7", 9), VIP));

        let at = ny(2026, 12, 7, 10, 0);

        assert_eq!(
            chosen(&rules, call(Some("(415) 555-0199")), at).as_deref(),
            Some("7")
        );
        assert_eq!(
            chosen(&rules, call(Some("+14155550100")), at).as_deref(),
            Some(BUSINESS_HOURS_RULE_ID)
        );
    }

    #[test]
    fn a_caller_id_rule_never_matches_a_withheld_caller() {
        let mut rules = built_ins();
        rules.push(from_caller(custom("7", 9), VIP));

        let at = ny(2026, 12, 7, 10, 0);

        assert_eq!(
            chosen(&rules, call(None), at).as_deref(),
            Some(BUSINESS_HOURS_RULE_ID)
        );
    }

    #[test]
    fn a_called_number_rule_matches_only_calls_to_that_number() {
        let mut rules = built_ins();
        rules.push(to_number(custom("8", 9), "1 650 555 0111"));
        let at = ny(2026, 12, 7, 10, 0);

        let to_sales = IncomingCall {
            called_number: SALES_LINE,
            caller_id: None,
        };

        assert_eq!(chosen(&rules, to_sales, at).as_deref(), Some("8"));
        assert_eq!(
            chosen(&rules, call(None), at).as_deref(),
            Some(BUSINESS_HOURS_RULE_ID)
        );
    }

    #[test]
    fn a_custom_rule_needs_every_condition_to_hold() {
        let mut rules = built_ins();
        rules.push(to_number(from_caller(custom("8", 9), VIP), SALES_LINE));
        let at = ny(2026, 12, 7, 10, 0);

        let vip_to_main = IncomingCall {
            called_number: MAIN,
            caller_id: Some(VIP),
        };
        let vip_to_sales = IncomingCall {
            called_number: SALES_LINE,
            caller_id: Some(VIP),
        };

        assert_eq!(
            chosen(&rules, vip_to_main, at).as_deref(),
            Some(BUSINESS_HOURS_RULE_ID)
        );
        assert_eq!(chosen(&rules, vip_to_sales, at).as_deref(), Some("8"));
    }

    #[test]
    fn a_holiday_rule_applies_during_its_date_range_only() {
        let mut holiday = custom("5", 9);
        holiday.schedule = Some(Schedule {
            ranges: vec![DateRange {
                from: date(2026, 12, 25).at(0, 0, 0, 0),
                to: date(2026, 12, 26).at(0, 0, 0, 0),
            }],
            ..Schedule::default()
        });
        let mut rules = built_ins();
        rules.push(holiday);

        assert_eq!(
            chosen(&rules, call(None), ny(2026, 12, 25, 10, 0)).as_deref(),
            Some("5")
        );
        assert_eq!(
            chosen(&rules, call(None), ny(2026, 12, 24, 10, 0)).as_deref(),
            Some(BUSINESS_HOURS_RULE_ID)
        );
    }

    #[test]
    fn a_custom_rule_can_refer_to_after_hours() {
        let mut night = to_number(custom("5", 9), SALES_LINE);
        night.schedule = Some(Schedule {
            schedule_ref: Some(ScheduleRef::AfterHours),
            ..Schedule::default()
        });
        let mut rules = built_ins();
        rules.push(night);
        let to_sales = IncomingCall {
            called_number: SALES_LINE,
            caller_id: None,
        };

        assert_eq!(
            chosen(&rules, to_sales, ny(2026, 12, 7, 20, 0)).as_deref(),
            Some("5")
        );
        assert_eq!(
            chosen(&rules, to_sales, ny(2026, 12, 7, 10, 0)).as_deref(),
            Some(BUSINESS_HOURS_RULE_ID)
        );
    }

    #[test]
    fn a_weekly_custom_rule_wrapping_sunday_night_applies_on_monday_morning() {
        let mut overnight = custom("5", 9);
        let mut ranges = WeeklyRanges::default();
        ranges.day_mut(Weekday::Sunday).push(TimeRange {
            from: "22:00".parse().unwrap(),
            to: "06:00".parse().unwrap(),
        });
        overnight.schedule = Some(Schedule {
            weekly_ranges: Some(ranges),
            ..Schedule::default()
        });
        let mut rules = built_ins();
        rules.push(overnight);

        assert_eq!(
            chosen(&rules, call(None), ny(2026, 12, 7, 5, 30)).as_deref(),
            Some("5")
        );
        assert_eq!(
            chosen(&rules, call(None), ny(2026, 12, 8, 5, 30)).as_deref(),
            Some(AFTER_HOURS_RULE_ID)
        );
    }

    #[test]
    fn disabled_custom_rules_are_ignored() {
        let mut vip = from_caller(custom("7", 9), VIP);
        vip.enabled = false;
        let mut rules = built_ins();
        rules.push(vip);

        let at = ny(2026, 12, 7, 10, 0);

        assert_eq!(
            chosen(&rules, call(Some(VIP)), at).as_deref(),
            Some(BUSINESS_HOURS_RULE_ID)
        );
    }

    #[test]
    fn custom_rules_are_tried_in_ascending_id_order_whatever_the_list_order() {
        let mut rules = built_ins();
        rules.push(from_caller(custom("12", 9), VIP));
        rules.push(from_caller(custom("3", 9), VIP));

        let at = ny(2026, 12, 7, 10, 0);

        assert_eq!(chosen(&rules, call(Some(VIP)), at).as_deref(), Some("3"));
        rules.reverse();
        assert_eq!(chosen(&rules, call(Some(VIP)), at).as_deref(), Some("3"));
    }

    #[test]
    fn a_custom_rule_without_conditions_is_ignored() {
        let mut rules = built_ins();
        rules.push(custom("4", 9));

        let at = ny(2026, 12, 7, 10, 0);

        assert_eq!(
            chosen(&rules, call(None), at).as_deref(),
            Some(BUSINESS_HOURS_RULE_ID)
        );
    }

    #[test]
    fn a_disabled_after_hours_rule_leaves_the_business_hours_rule_in_charge() {
        let mut rules = built_ins();
        rules[1].enabled = false;
        let (tz, hours) = (new_york(), office_hours());
        let ctx = RuleContext {
            instant: ny(2026, 12, 7, 20, 0),
            time_zone: &tz,
            business_hours: &hours,
            home_calling_code: "1",
        };

        let selection = select_company_rule(&rules, &call(None), &ctx).unwrap();

        assert_eq!(selection.rule.id, BUSINESS_HOURS_RULE_ID);
        assert_eq!(selection.because, SelectedBecause::OtherBuiltInRule);
    }

    #[test]
    fn no_enabled_rule_selects_nothing() {
        let mut rules = built_ins();
        rules.iter_mut().for_each(|r| r.enabled = false);

        assert_eq!(chosen(&rules, call(None), ny(2026, 12, 7, 10, 0)), None);
    }

    #[test]
    fn a_user_without_business_hours_works_company_hours() {
        let company = BusinessHours::new(office_hours());
        let own = BusinessHours::new(WeeklyRanges::default());

        assert_eq!(effective_business_hours(None, &company), &office_hours());
        assert!(effective_business_hours(Some(&own), &company).is_empty());
    }

    #[test]
    fn an_extension_in_london_uses_its_own_zone_and_hours() {
        let account = Account {
            id: 1,
            company_name: "Acme".to_owned(),
            main_number: MAIN.to_owned(),
            operator: None,
            regional_settings: RegionalSettings::default(),
            status: "Confirmed".to_owned(),
        };
        let mut extension = crate::rules::test_support::user(101, "101", "Ann", "Smith");
        extension.regional_settings = Some(RegionalSettings {
            timezone: TimezoneInfo::named("Europe/London"),
        });
        let zone_name = &effective_time_zone(&extension, &account).name;
        let london = TimeZone::get(zone_name).unwrap();
        let hours = office_hours();
        let rules = vec![
            extension_rule(BUSINESS_HOURS_RULE_ID, RuleType::BusinessHours),
            extension_rule(AFTER_HOURS_RULE_ID, RuleType::AfterHours),
        ];
        // 18:30 UTC on a Monday is after hours in London, 13:30 in New York.
        let ctx = RuleContext {
            instant: "2026-12-07T18:30:00Z".parse().unwrap(),
            time_zone: &london,
            business_hours: &hours,
            home_calling_code: "1",
        };

        let selection = select_extension_rule(&rules, &call(None), &ctx).unwrap();

        assert_eq!(selection.rule.id, AFTER_HOURS_RULE_ID);
    }

    fn extension_rules_with_custom(custom: AnsweringRule) -> Vec<AnsweringRule> {
        vec![
            extension_rule(BUSINESS_HOURS_RULE_ID, RuleType::BusinessHours),
            extension_rule(AFTER_HOURS_RULE_ID, RuleType::AfterHours),
            custom,
        ]
    }

    fn extension_chosen(
        rules: &[AnsweringRule],
        user_hours: Option<&BusinessHours>,
        call: IncomingCall<'_>,
        at: Timestamp,
    ) -> Option<String> {
        let tz = new_york();
        let company = BusinessHours::new(office_hours());
        let ctx = RuleContext {
            instant: at,
            time_zone: &tz,
            business_hours: effective_business_hours(user_hours, &company),
            home_calling_code: "1",
        };
        select_extension_rule(rules, &call, &ctx).map(|s| s.rule.id.clone())
    }

    #[test]
    fn an_extension_rule_referring_to_business_hours_uses_company_hours_without_user_hours() {
        let mut lunch_line = extension_rule("21", RuleType::Custom);
        lunch_line.callers.push(CallerInfo {
            caller_id: VIP.to_owned(),
            name: None,
        });
        lunch_line.schedule = Some(Schedule {
            schedule_ref: Some(ScheduleRef::BusinessHours),
            ..Schedule::default()
        });
        let rules = extension_rules_with_custom(lunch_line);
        let vip = call(Some(VIP));

        assert_eq!(
            extension_chosen(&rules, None, vip, ny(2026, 12, 7, 10, 0)).as_deref(),
            Some("21")
        );
        assert_eq!(
            extension_chosen(&rules, None, vip, ny(2026, 12, 7, 19, 0)).as_deref(),
            Some(AFTER_HOURS_RULE_ID)
        );
    }

    #[test]
    fn an_extension_rule_referring_to_business_hours_follows_the_users_own_hours() {
        let mut evening = extension_rule("21", RuleType::Custom);
        evening.schedule = Some(Schedule {
            schedule_ref: Some(ScheduleRef::BusinessHours),
            ..Schedule::default()
        });
        let rules = extension_rules_with_custom(evening);
        let late_shift = BusinessHours::new(WeeklyRanges::weekdays(TimeRange {
            from: "14:00".parse().unwrap(),
            to: "22:00".parse().unwrap(),
        }));
        let at = ny(2026, 12, 7, 20, 0);

        assert_eq!(
            extension_chosen(&rules, Some(&late_shift), call(None), at).as_deref(),
            Some("21")
        );
        assert_eq!(
            extension_chosen(&rules, None, call(None), at).as_deref(),
            Some(AFTER_HOURS_RULE_ID)
        );
    }

    #[test]
    fn a_disabled_extension_custom_rule_is_ignored() {
        let mut vip = extension_rule("21", RuleType::Custom);
        vip.callers.push(CallerInfo {
            caller_id: VIP.to_owned(),
            name: None,
        });
        vip.enabled = false;
        let rules = extension_rules_with_custom(vip);

        assert_eq!(
            extension_chosen(&rules, None, call(Some(VIP)), ny(2026, 12, 7, 10, 0)).as_deref(),
            Some(BUSINESS_HOURS_RULE_ID)
        );
    }

    fn extension_rule(id: &str, rule_type: RuleType) -> AnsweringRule {
        AnsweringRule {
            id: id.to_owned(),
            rule_type,
            name: None,
            enabled: true,
            schedule: None,
            called_numbers: Vec::new(),
            callers: Vec::new(),
            call_handling_action: crate::model::CallHandlingAction::ForwardCalls,
            forwarding: None,
            unconditional_forwarding: None,
            transfer: None,
            voicemail: None,
            greetings: Vec::new(),
        }
    }
}
