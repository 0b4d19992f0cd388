//! Pinyin without a dictionary: the readings table `linli build` stores in the bundle, and the
//! matcher that lets typed letters stand for Chinese characters.
//!
//! The builder looks up, with a pinyin dictionary the app never downloads, the toneless readings
//! of every Han character that occurs in the bundle's searchable texts (street names, place
//! names and addresses, and the service vocabulary of [`crate::service`]), plus the readings of
//! a few words whose characters are read differently in names (长者 is *zhang zhe*, 银行 is
//! *yin hang*, 重庆 is *chong qing*). The core only applies that table.
//!
//! # Matching rule
//! A query matches a text when it matches a run of consecutive characters of the text, each
//! character taking at least one query character:
//! - a Han character matches itself, or any non-empty prefix of one of its readings typed in
//!   latin letters (so 车公庙 matches `chegongmiao`, `cgm`, `chegm`, `chegongm` and `车gm`);
//! - any other letter or digit matches itself, ignoring case;
//! - spaces, punctuation and apostrophes are ignored in both, full-width latin letters and digits
//!   count as their ASCII forms, and `ü` may be typed `v` or `u`.
//!
//! Queries longer than [`MAX_QUERY_CHARS`] characters (after dropping spaces and punctuation)
//! are cut to that length.

use std::collections::HashMap;

use crate::sort::SortDyn;

/// At most this many query characters are matched; longer input is cut.
pub const MAX_QUERY_CHARS: usize = 63;

/// The most readings stored for one character.
pub const MAX_READINGS_PER_CHAR: usize = 8;

/// The longest syllable, in letters (`zhuang`, `chuang`, `shuang` have six).
pub const MAX_SYLLABLE_LETTERS: usize = 6;

/// Index of a syllable in [`Readings::syllables`].
pub type SyllableId = u16;

/// The toneless pinyin readings of the Han characters in a bundle's searchable texts, computed
/// by `linli build`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Readings {
    /// Toneless syllables in lower-case ASCII, `ü` written `v` (`zhang`, `lv`), each once.
    pub syllables: Vec<String>,
    /// Each character with its readings outside the words of `phrases`, sorted by character.
    /// A character read in more than one way in names has them all, so either matches.
    pub chars: Vec<CharReadings>,
    /// Words whose characters are read in one particular way, sorted by text, e.g. 长者 →
    /// `zhang`, `zhe`. They apply wherever the word occurs (longest word first).
    pub phrases: Vec<PhraseReadings>,
}

/// The readings of one character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharReadings {
    /// The character.
    pub ch: char,
    /// Its readings, most usual first (indices into [`Readings::syllables`]).
    pub syllables: Vec<SyllableId>,
}

/// The readings of the characters of one word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhraseReadings {
    /// The word, two or more characters.
    pub text: String,
    /// For each character of `text`, its readings in this word.
    pub syllables: Vec<Vec<SyllableId>>,
}

impl Readings {
    /// Checks the table: syllables are 1–6 lower-case ASCII letters, each once; characters
    /// strictly increasing; every character has 1–8 readings and every reading exists; every
    /// phrase has two or more characters, one reading list per character, and phrases are
    /// strictly increasing. The decoder calls it, so a decoded table is always usable.
    pub fn validate(&self) -> Result<(), String> {
        let mut seen = std::collections::HashSet::new();
        for s in &self.syllables {
            if s.is_empty()
                || s.len() > MAX_SYLLABLE_LETTERS
                || !s.bytes().all(|b| b.is_ascii_lowercase())
            {
                return Err(format!("'{s}' is not a toneless pinyin syllable"));
            }
            if !seen.insert(s.as_str()) {
                return Err(format!("syllable '{s}' appears twice"));
            }
        }
        let check_ids = |ids: &[SyllableId], what: &dyn Fn() -> String| {
            if ids.is_empty() || ids.len() > MAX_READINGS_PER_CHAR {
                return Err(format!(
                    "{} has {} readings (expected 1 to {MAX_READINGS_PER_CHAR})",
                    what(),
                    ids.len()
                ));
            }
            match ids
                .iter()
                .find(|i| usize::from(**i) >= self.syllables.len())
            {
                Some(i) => Err(format!(
                    "{} refers to syllable {i}, which does not exist",
                    what()
                )),
                None => Ok(()),
            }
        };
        for pair in self.chars.windows(2) {
            if pair[0].ch >= pair[1].ch {
                return Err(format!(
                    "characters are not in order ('{}' before '{}')",
                    pair[0].ch, pair[1].ch
                ));
            }
        }
        for c in &self.chars {
            check_ids(&c.syllables, &|| format!("character '{}'", c.ch))?;
        }
        for pair in self.phrases.windows(2) {
            if pair[0].text >= pair[1].text {
                return Err(format!(
                    "words are not in order ('{}' before '{}')",
                    pair[0].text, pair[1].text
                ));
            }
        }
        for p in &self.phrases {
            let chars = p.text.chars().count();
            if chars < 2 || chars != p.syllables.len() {
                return Err(format!(
                    "word '{}' has {chars} characters and {} reading lists",
                    p.text,
                    p.syllables.len()
                ));
            }
            for ids in &p.syllables {
                check_ids(ids, &|| format!("a character of '{}'", p.text))?;
            }
        }
        Ok(())
    }

    /// The readings of `ch` outside known words, if the table has it.
    pub fn of_char(&self, ch: char) -> Option<&[SyllableId]> {
        self.chars
            .binary_search_by(|c| c.ch.cmp(&ch))
            .ok()
            .map(|i| self.chars[i].syllables.as_slice())
    }

    /// The syllable text of `id` (empty if out of range, which a validated table never is).
    pub fn syllable(&self, id: SyllableId) -> &str {
        self.syllables
            .get(usize::from(id))
            .map_or("", String::as_str)
    }
}

/// Folds one character the way both queries and texts are compared: lower case, full-width
/// ASCII to ASCII, `ü` to `v`; `None` for spaces, punctuation and symbols, which are ignored.
pub fn fold_char(c: char) -> Option<char> {
    let c = match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(u32::from(c) - 0xfee0).unwrap_or(c),
        'ü' | 'Ü' => 'v',
        _ => c,
    };
    if !c.is_alphanumeric() {
        return None;
    }
    Some(if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        c.to_lowercase().next().unwrap_or(c)
    })
}

/// A query, folded and cut to [`MAX_QUERY_CHARS`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    chars: Vec<char>,
    signature: u64,
}

impl Query {
    /// Folds `text` (see [`fold_char`]).
    pub fn new(text: &str) -> Query {
        let chars: Vec<char> = text
            .chars()
            .filter_map(fold_char)
            .take(MAX_QUERY_CHARS)
            .collect();
        let signature = chars.iter().fold(0, |s, c| s | signature_bit(*c));
        Query { chars, signature }
    }

    /// Nothing left to match.
    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// The folded characters.
    pub fn chars(&self) -> &[char] {
        &self.chars
    }
}

/// How well a query matched a text; earlier is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchClass {
    /// The query covers the whole text.
    Exact,
    /// The query covers the beginning of the text.
    Prefix,
    /// The query covers a run of characters elsewhere in the text.
    Inside,
}

/// One character of a prepared text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Unit {
    ch: char,
    /// Range into [`Matcher::unit_readings`].
    first: u32,
    count: u8,
}

/// Texts prepared for matching: each character with its readings resolved (words first), and
/// a signature of the letters and characters a text can match, to skip most texts at once.
#[derive(Debug, Clone, Default)]
pub struct Matcher {
    syllables: Vec<Box<[u8]>>,
    units: Vec<Unit>,
    unit_readings: Vec<SyllableId>,
    /// Per text: its units `units[start..end]` and signature.
    texts: Vec<(u32, u32, u64)>,
    phrase_starts: HashMap<char, Vec<usize>>,
    readings: Readings,
}

/// The signature bit of one folded character: a–z and 0–9 have their own bits, other
/// characters share 28 bits by code point.
fn signature_bit(c: char) -> u64 {
    match c {
        'a'..='z' => 1 << (u32::from(c) - u32::from('a')),
        '0'..='9' => 1 << (26 + u32::from(c) - u32::from('0')),
        _ => 1 << (36 + u32::from(c) % 28),
    }
}

/// Identifies a text added to a [`Matcher`], in the order added.
pub type TextId = usize;

impl Matcher {
    /// A matcher that resolves characters with `readings`.
    pub fn new(readings: Readings) -> Matcher {
        let mut phrase_starts: HashMap<char, Vec<usize>> = HashMap::new();
        for (i, p) in readings.phrases.iter().enumerate() {
            if let Some(c) = p.text.chars().next() {
                phrase_starts.entry(c).or_default().push(i);
            }
        }
        // Longest word first where several start with the same character.
        for list in phrase_starts.values_mut() {
            list.sort_by_key_dyn(|i| std::cmp::Reverse(readings.phrases[*i].text.len()));
        }
        Matcher {
            syllables: readings
                .syllables
                .iter()
                .map(|s| s.as_bytes().into())
                .collect(),
            units: Vec::new(),
            unit_readings: Vec::new(),
            texts: Vec::new(),
            phrase_starts,
            readings,
        }
    }

    /// Adds a text and returns its id.
    pub fn add(&mut self, text: &str) -> TextId {
        let raw: Vec<char> = text.chars().collect();
        let start = self.units.len();
        let mut signature = 0u64;
        let mut i = 0;
        while i < raw.len() {
            if let Some((len, phrase)) = self.phrase_at(&raw[i..]) {
                for k in 0..len {
                    let ids = self.readings.phrases[phrase].syllables[k].clone();
                    signature |= self.push_unit(raw[i + k], &ids);
                }
                i += len;
                continue;
            }
            let ids = self
                .readings
                .of_char(raw[i])
                .map(<[SyllableId]>::to_vec)
                .unwrap_or_default();
            signature |= self.push_unit(raw[i], &ids);
            i += 1;
        }
        let id = self.texts.len();
        self.texts
            .push((index_u32(start), index_u32(self.units.len()), signature));
        id
    }

    fn phrase_at(&self, rest: &[char]) -> Option<(usize, usize)> {
        let first = rest.first()?;
        self.phrase_starts.get(first)?.iter().find_map(|&p| {
            let text = &self.readings.phrases[p].text;
            let n = text.chars().count();
            (rest.len() >= n && text.chars().zip(rest).all(|(a, b)| a == *b)).then_some((n, p))
        })
    }

    /// Appends one unit unless the character folds away; returns its signature bits.
    fn push_unit(&mut self, raw: char, ids: &[SyllableId]) -> u64 {
        let Some(ch) = fold_char(raw) else {
            return 0;
        };
        let first = index_u32(self.unit_readings.len());
        let ids = &ids[..ids.len().min(MAX_READINGS_PER_CHAR)];
        self.unit_readings.extend_from_slice(ids);
        let mut signature = signature_bit(ch);
        for id in ids {
            for &b in self.syllables.get(usize::from(*id)).map_or(&[][..], |s| s) {
                signature |= signature_bit(char::from(b));
                if b == b'v' {
                    signature |= signature_bit('u');
                }
            }
        }
        self.units.push(Unit {
            ch,
            first,
            count: u8::try_from(ids.len()).unwrap_or(u8::MAX),
        });
        signature
    }

    /// How well `query` matches text `id`, or `None`.
    pub fn matches(&self, id: TextId, query: &Query) -> Option<MatchClass> {
        let &(start, end, signature) = self.texts.get(id)?;
        let q = query.chars();
        if q.is_empty() || query.signature & !signature != 0 {
            return None;
        }
        let units = &self.units[start as usize..end as usize];
        let full = 1u64 << q.len();
        // Bit p: the first p query characters are consumed, by a run that began at the text's
        // first character (`from_start`) or anywhere (`anywhere`).
        let mut from_start = 1u64;
        let mut anywhere = 0u64;
        let mut best = None;
        for (j, unit) in units.iter().enumerate() {
            from_start = self.step(unit, from_start, q);
            anywhere = self.step(unit, anywhere | 1, q);
            if from_start & full != 0 {
                if j + 1 == units.len() {
                    return Some(MatchClass::Exact);
                }
                best = Some(MatchClass::Prefix);
            } else if anywhere & full != 0 && best.is_none() {
                best = Some(MatchClass::Inside);
            }
            if from_start == 0 && best.is_some() {
                break;
            }
        }
        best
    }

    /// The query positions reachable after one more unit, from the positions in `mask`.
    fn step(&self, unit: &Unit, mask: u64, q: &[char]) -> u64 {
        let m = q.len();
        let mut next = 0u64;
        let mut bits = mask & ((1u64 << m) - 1);
        let first = unit.first as usize;
        let readings = &self.unit_readings[first..first + usize::from(unit.count)];
        while bits != 0 {
            let p = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            if q[p] == unit.ch {
                next |= 1 << (p + 1);
            }
            for id in readings {
                let Some(s) = self.syllables.get(usize::from(*id)) else {
                    continue;
                };
                for (k, &b) in s.iter().enumerate() {
                    let Some(&c) = q.get(p + k) else { break };
                    if c == char::from(b) || (b == b'v' && c == 'u') {
                        next |= 1 << (p + k + 1);
                    } else {
                        break;
                    }
                }
            }
        }
        next
    }

    /// The readings the matcher uses.
    pub fn readings(&self) -> &Readings {
        &self.readings
    }

    /// The readings given to each character of text `id` (empty for characters without any),
    /// for tests and diagnostics.
    pub fn text_readings(&self, id: TextId) -> Vec<(char, Vec<&str>)> {
        let Some(&(start, end, _)) = self.texts.get(id) else {
            return Vec::new();
        };
        self.units[start as usize..end as usize]
            .iter()
            .map(|u| {
                let first = u.first as usize;
                let ids = &self.unit_readings[first..first + usize::from(u.count)];
                (
                    u.ch,
                    ids.iter().map(|i| self.readings.syllable(*i)).collect(),
                )
            })
            .collect()
    }
}

/// A length or index as `u32`; the matcher's texts stay far below 4 billion characters (a bundle
/// is bounded by its byte size), so saturating never happens in practice and cannot panic.
fn index_u32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 车公庙, 长者食堂 with 长者 as a word, and 长 alone read both ways.
    fn readings() -> Readings {
        let syllables: Vec<String> = [
            "che", "ju", "gong", "miao", "zhang", "chang", "zhe", "shi", "tang", "lv",
        ]
        .map(String::from)
        .to_vec();
        let id = |s: &str| syllables.iter().position(|x| x == s).expect("syllable") as u16;
        let mut chars: Vec<CharReadings> = [
            ('车', vec![id("che"), id("ju")]),
            ('公', vec![id("gong")]),
            ('庙', vec![id("miao")]),
            ('长', vec![id("zhang"), id("chang")]),
            ('者', vec![id("zhe")]),
            ('食', vec![id("shi")]),
            ('堂', vec![id("tang")]),
            ('绿', vec![id("lv")]),
        ]
        .into_iter()
        .map(|(ch, syllables)| CharReadings { ch, syllables })
        .collect();
        chars.sort_by_key(|c| c.ch);
        let phrases = vec![PhraseReadings {
            text: "长者".into(),
            syllables: vec![vec![id("zhang")], vec![id("zhe")]],
        }];
        let r = Readings {
            syllables,
            chars,
            phrases,
        };
        r.validate().expect("valid");
        r
    }

    fn class(text: &str, query: &str) -> Option<MatchClass> {
        let mut m = Matcher::new(readings());
        let id = m.add(text);
        m.matches(id, &Query::new(query))
    }

    #[test]
    fn characters_pinyin_initials_and_mixed() {
        use MatchClass::*;
        for q in [
            "车公庙",
            "chegongmiao",
            "cgm",
            "车gm",
            "chegm",
            "chegongm",
            "CheGongMiao",
            "che gong miao",
            "ｃｇｍ",
        ] {
            assert_eq!(class("车公庙", q), Some(Exact), "{q}");
        }
        assert_eq!(class("车公庙骑士驿站", "cgm"), Some(Prefix));
        assert_eq!(class("福田车公庙", "gongmiao"), Some(Inside));
        assert_eq!(class("车公庙", "cgmx"), None);
        assert_eq!(class("车公庙", "gc"), None, "order matters");
        assert_eq!(class("车公庙", "jgm"), Some(Exact), "every reading counts");
    }

    #[test]
    fn words_fix_the_reading_of_polyphones() {
        assert_eq!(class("长者食堂", "zhangzhe"), Some(MatchClass::Prefix));
        assert_eq!(class("长者食堂", "zzst"), Some(MatchClass::Exact));
        assert_eq!(class("长者食堂", "changzhe"), None, "长者 is zhang zhe");
        // Outside the word, 长 has both readings.
        assert_eq!(class("长公", "changgong"), Some(MatchClass::Exact));
        assert_eq!(class("长公", "zhanggong"), Some(MatchClass::Exact));
        let mut m = Matcher::new(readings());
        let id = m.add("长者·长");
        assert_eq!(
            m.text_readings(id),
            vec![
                ('长', vec!["zhang"]),
                ('者', vec!["zhe"]),
                ('长', vec!["zhang", "chang"])
            ]
        );
    }

    #[test]
    fn latin_text_and_umlaut() {
        assert_eq!(class("Wi-Fi", "wifi"), Some(MatchClass::Exact));
        assert_eq!(class("Toilet", "toi"), Some(MatchClass::Prefix));
        assert_eq!(class("E-bike charging", "charg"), Some(MatchClass::Inside));
        assert_eq!(class("绿", "lv"), Some(MatchClass::Exact));
        assert_eq!(class("绿", "lu"), Some(MatchClass::Exact));
        assert_eq!(class("绿", "lü"), Some(MatchClass::Exact));
        assert_eq!(class("B1", "b1"), Some(MatchClass::Exact));
    }

    #[test]
    fn empty_and_long_queries_do_not_panic() {
        assert_eq!(class("车公庙", ""), None);
        assert_eq!(class("车公庙", "  ,.  "), None);
        assert_eq!(class("", "c"), None);
        let long = "c".repeat(500);
        assert_eq!(Query::new(&long).chars().len(), MAX_QUERY_CHARS);
        assert_eq!(class(&"车".repeat(100), &long), Some(MatchClass::Prefix));
        assert_eq!(class(&"车".repeat(63), &long), Some(MatchClass::Exact));
    }

    #[test]
    fn validate_names_the_problem() {
        let mut r = readings();
        r.chars[0].syllables = vec![99];
        assert!(r.validate().expect_err("bad id").contains("syllable 99"));
        let mut r = readings();
        r.syllables[0] = "Zh".into();
        assert!(r.validate().is_err());
        let mut r = readings();
        r.chars.swap(0, 1);
        assert!(r.validate().expect_err("order").contains("not in order"));
        let mut r = readings();
        r.phrases[0].syllables.pop();
        assert!(r.validate().is_err());
    }
}
