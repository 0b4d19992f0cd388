//! The `HOUR` section: the compiled opening hours ([`Timetable`]), see the layout in
//! [`crate::bundle`].

use chrono::{Datelike, NaiveDate};

use super::{DecodeError, EncodeError, Reader, Writer};
use crate::timetable::{
    DatedPlan, DayId, DayKey, DayPlan, Period, Piece, PieceKind, Plan, Timetable, MINUTES_PER_DAY,
};

const FORM_NONE: u8 = 0;
const FORM_WEEKLY: u8 = 1;
const FORM_DATED: u8 = 2;

fn kind_bits(kind: PieceKind) -> u64 {
    match kind {
        PieceKind::Open => 0,
        PieceKind::Closed => 1,
        PieceKind::Unknown => 2,
    }
}

fn day_number(date: NaiveDate) -> u64 {
    // Dates of a window lie after year 1: positive.
    u64::try_from(date.num_days_from_ce()).unwrap_or(0)
}

fn days_between(a: NaiveDate, b: NaiveDate) -> u64 {
    u64::try_from((b - a).num_days()).unwrap_or(0)
}

pub(crate) fn encode_timetable(t: &Timetable, w: &mut Writer) -> Result<(), EncodeError> {
    w.count(t.comments().len(), "opening hours comments")?;
    for c in t.comments() {
        w.str(c)?;
    }
    w.count(t.days().len(), "day plans")?;
    for day in t.days() {
        w.count(day.pieces().len(), "pieces of a day plan")?;
        for (i, p) in day.pieces().iter().enumerate() {
            w.varint(u64::from(day.end_minute(i) - p.start_minute));
            let comment = p.comment.map_or(0, |c| u64::from(c) + 1);
            w.varint(kind_bits(p.kind) | comment << 2);
        }
    }
    w.count(t.plans().len(), "places with hours")?;
    for plan in t.plans() {
        match plan {
            Plan::None => w.byte(FORM_NONE),
            Plan::Weekly(keys) => {
                w.byte(FORM_WEEKLY);
                let ordinary =
                    |weekday: u8| DayKey::new(weekday, false, false).map_or(0, |k| keys[k.index()]);
                for weekday in 0..7 {
                    w.varint(u64::from(ordinary(weekday)));
                }
                let overrides: Vec<(DayKey, DayId)> = (0..DayKey::COUNT)
                    .filter_map(|i| DayKey::from_index(i).map(|k| (k, keys[i])))
                    .filter(|(k, id)| !k.is_ordinary() && *id != ordinary(k.weekday()))
                    .collect();
                w.count(overrides.len(), "holiday day plans")?;
                for (k, id) in overrides {
                    // Fewer than 28 keys: fits a byte.
                    w.byte(k.index() as u8);
                    w.varint(u64::from(id));
                }
            }
            Plan::Dated(d) => {
                w.byte(FORM_DATED);
                w.varint(day_number(d.from));
                w.varint(days_between(d.from, d.until));
                w.count(d.periods.len(), "periods of dated hours")?;
                let mut prev = d.from;
                for p in &d.periods {
                    w.varint(days_between(prev, p.start));
                    prev = p.start;
                    for id in p.week {
                        w.varint(u64::from(id));
                    }
                }
                w.count(d.exceptions.len(), "dated exceptions")?;
                let mut prev = d.from;
                for (date, id) in &d.exceptions {
                    w.varint(days_between(prev, *date));
                    prev = *date;
                    w.varint(u64::from(*id));
                }
            }
        }
    }
    Ok(())
}

fn read_u32(r: &mut Reader, what: &str) -> Result<u32, DecodeError> {
    let v = r.varint()?;
    u32::try_from(v).map_err(|_| r.invalid(format!("{what} {v} is out of range")))
}

fn read_date(r: &mut Reader, base: NaiveDate) -> Result<NaiveDate, DecodeError> {
    let days = r.varint()?;
    i64::try_from(days)
        .ok()
        .and_then(|d| base.checked_add_signed(chrono::Duration::try_days(d)?))
        .ok_or_else(|| r.invalid(format!("a date {days} days on is out of range")))
}

fn decode_day(r: &mut Reader) -> Result<DayPlan, DecodeError> {
    let n = r.count(2)?;
    let mut pieces = Vec::new();
    let mut start: u32 = 0;
    for _ in 0..n {
        let length = read_u32(r, "a piece of")?;
        let state = r.varint()?;
        let kind = match state & 3 {
            0 => PieceKind::Open,
            1 => PieceKind::Closed,
            2 => PieceKind::Unknown,
            _ => return Err(r.invalid("unknown kind of piece")),
        };
        let comment = match state >> 2 {
            0 => None,
            c => Some(u32::try_from(c - 1).map_err(|_| r.invalid("comment index out of range"))?),
        };
        let end = start
            .checked_add(length)
            .filter(|end| length > 0 && *end <= u32::from(MINUTES_PER_DAY))
            .ok_or_else(|| r.invalid("the pieces of a day plan do not fit in 24 hours"))?;
        pieces.push(Piece {
            // Below 1440: fits.
            start_minute: start as u16,
            kind,
            comment,
        });
        start = end;
    }
    if start != u32::from(MINUTES_PER_DAY) {
        return Err(r.invalid("the pieces of a day plan do not add up to 24 hours"));
    }
    DayPlan::new(pieces).map_err(|e| r.invalid(e.to_string()))
}

fn decode_plan(r: &mut Reader) -> Result<Plan, DecodeError> {
    match r.byte()? {
        FORM_NONE => Ok(Plan::None),
        FORM_WEEKLY => {
            let mut ordinary = [0; 7];
            for id in &mut ordinary {
                *id = read_u32(r, "day plan")?;
            }
            let mut keys = [0; DayKey::COUNT];
            for (i, id) in keys.iter_mut().enumerate() {
                *id = ordinary[i / 4];
            }
            let n = r.count(2)?;
            let mut last = None;
            for _ in 0..n {
                let key = DayKey::from_index(usize::from(r.byte()?))
                    .filter(|k| !k.is_ordinary() && last.is_none_or(|l| *k > l))
                    .ok_or_else(|| r.invalid("holiday day plans out of order"))?;
                last = Some(key);
                keys[key.index()] = read_u32(r, "day plan")?;
            }
            Ok(Plan::Weekly(Box::new(keys)))
        }
        FORM_DATED => {
            let from = i32::try_from(r.varint()?)
                .ok()
                .and_then(NaiveDate::from_num_days_from_ce_opt)
                .ok_or_else(|| r.invalid("the dated hours start on no real date"))?;
            let until = read_date(r, from)?;
            let n = r.count(8)?;
            let mut periods = Vec::new();
            let mut prev = from;
            for _ in 0..n {
                let start = read_date(r, prev)?;
                prev = start;
                let mut week = [0; 7];
                for id in &mut week {
                    *id = read_u32(r, "day plan")?;
                }
                periods.push(Period { start, week });
            }
            let n = r.count(2)?;
            let mut exceptions = Vec::new();
            let mut prev = from;
            for _ in 0..n {
                let date = read_date(r, prev)?;
                prev = date;
                exceptions.push((date, read_u32(r, "day plan")?));
            }
            Ok(Plan::Dated(DatedPlan {
                from,
                until,
                periods,
                exceptions,
            }))
        }
        form => Err(r.invalid(format!("unknown form of hours {form}"))),
    }
}

pub(crate) fn decode_timetable(r: &mut Reader, services: usize) -> Result<Timetable, DecodeError> {
    let n = r.count(1)?;
    let mut comments = Vec::new();
    for _ in 0..n {
        comments.push(r.str()?);
    }
    let n = r.count(3)?;
    let mut days = Vec::new();
    for _ in 0..n {
        days.push(decode_day(r)?);
    }
    let n = r.count(1)?;
    if n != services {
        return Err(r.invalid(format!(
            "hours for {n} places, but there are {services} services"
        )));
    }
    let mut plans = Vec::new();
    for _ in 0..n {
        plans.push(decode_plan(r)?);
    }
    Timetable::new(comments, days, plans).map_err(|e| r.invalid(e.to_string()))
}
