//! Every place's opening hours, prepared only as far as the page needs them.
//!
//! Many places share one `opening_hours` rule (a chain, every centre of a district), and a list
//! of 100,000 places shows a dozen at a time. So the rules are grouped once on load (a sort, no
//! parsing), a rule is parsed the first time a place with it is shown, and a rule's state at a
//! time is worked out once for all its places. Parsing every rule of a 100,000-place bundle
//! up front took seconds on a phone; now the list's first screen parses a handful.

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock, PoisonError};

use chrono::NaiveDateTime;
use linli_core::hours::{Hours, HoursStatus};
use linli_core::Service;

/// One distinct rule.
#[derive(Debug)]
struct Rule {
    /// A service that has it (its text is read from there).
    first: usize,
    parsed: OnceLock<Hours>,
    /// The state at the last time asked for.
    status: Mutex<Option<(NaiveDateTime, HoursStatus)>>,
}

/// The hours of every service of a bundle.
#[derive(Debug)]
pub struct HoursBook {
    /// Index into `rules` of each service's rule.
    rule_of: Vec<u32>,
    rules: Vec<Rule>,
}

impl HoursBook {
    /// Groups the services by their rule (the same text, ignoring surrounding spaces).
    pub fn new(services: &[Service]) -> HoursBook {
        let mut index: BTreeMap<&str, u32> = BTreeMap::new();
        let mut rules = Vec::new();
        let rule_of = services
            .iter()
            .enumerate()
            .map(|(i, s)| {
                *index.entry(s.opening_hours.trim()).or_insert_with(|| {
                    rules.push(Rule {
                        first: i,
                        parsed: OnceLock::new(),
                        status: Mutex::new(None),
                    });
                    u32::try_from(rules.len() - 1).unwrap_or(u32::MAX)
                })
            })
            .collect();
        HoursBook { rule_of, rules }
    }

    /// How many different rules there are.
    #[cfg(test)]
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// How many rules have been parsed so far.
    #[cfg(test)]
    pub fn parsed_count(&self) -> usize {
        self.rules
            .iter()
            .filter(|r| r.parsed.get().is_some())
            .count()
    }

    fn rule(&self, service: usize) -> Option<&Rule> {
        self.rules.get(*self.rule_of.get(service)? as usize)
    }

    /// Service `i`'s hours (`services` are the ones this book was made from), parsed on first
    /// use.
    pub fn hours<'a>(&'a self, services: &[Service], i: usize) -> &'a Hours {
        static NONE: OnceLock<Hours> = OnceLock::new();
        match self.rule(i) {
            Some(rule) => rule.parsed.get_or_init(|| {
                Hours::parse(services.get(rule.first).map_or("", |s| &s.opening_hours))
            }),
            None => NONE.get_or_init(|| Hours::parse("")),
        }
    }

    /// Service `i`'s state at `now` (worked out once per rule and time).
    pub fn status(&self, services: &[Service], i: usize, now: NaiveDateTime) -> HoursStatus {
        let Some(rule) = self.rule(i) else {
            return self.hours(services, i).status(now);
        };
        let mut last = rule.status.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((at, status)) = last.as_ref() {
            if *at == now {
                return status.clone();
            }
        }
        let status = self.hours(services, i).status(now);
        *last = Some((now, status.clone()));
        status
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use linli_core::hours::OpenState;
    use linli_core::{Amenities, Kind, LngLat};

    fn service(id: &str, hours: &str) -> Service {
        Service {
            id: id.into(),
            name: id.into(),
            kind: Kind::Canteen,
            location: LngLat::new(114.02, 22.53),
            address: String::new(),
            opening_hours: hours.into(),
            amenities: Amenities::EMPTY,
            phone: String::new(),
            floor: None,
            notes: String::new(),
            price: String::new(),
        }
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("time")
    }

    #[test]
    fn places_with_one_rule_share_it_and_nothing_is_parsed_before_it_is_needed() {
        let services = vec![
            service("a", "Mo-Su 09:00-21:00"),
            service("b", "24/7"),
            service("c", " Mo-Su 09:00-21:00 "),
            service("d", ""),
            service("e", "24/7"),
        ];
        let book = HoursBook::new(&services);
        assert_eq!((book.rule_count(), book.parsed_count()), (3, 0));
        let evening = at("2026-11-24 20:00");
        let late = at("2026-11-24 22:30");
        assert_eq!(book.status(&services, 0, evening).state, OpenState::Open);
        assert_eq!(book.parsed_count(), 1);
        assert_eq!(book.status(&services, 2, late).state, OpenState::Closed);
        assert_eq!(book.parsed_count(), 1, "c has a's rule");
        assert_eq!(book.status(&services, 4, late).state, OpenState::Open);
        assert_eq!(book.status(&services, 3, late).state, OpenState::Unknown);
        assert_eq!(book.parsed_count(), 3);
        // The same answers as parsing each place on its own.
        for (i, s) in services.iter().enumerate() {
            for t in [evening, late, at("2026-10-01 10:00")] {
                assert_eq!(
                    book.status(&services, i, t),
                    Hours::parse(&s.opening_hours).status(t),
                    "{} at {t}",
                    s.id
                );
            }
        }
        // Beyond the services: unknown, not a panic.
        assert_eq!(book.status(&services, 99, late).state, OpenState::Unknown);
    }
}
