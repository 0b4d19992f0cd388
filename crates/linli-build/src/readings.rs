//! The pinyin readings stored in the bundle for search: each Han character of the searchable
//! texts with its toneless readings, and the words whose characters read one particular way in
//! names.
//!
//! # Where the readings come from
//! The [`pinyin`](https://crates.io/crates/pinyin) crate (mozillazg/rust-pinyin, MIT, on
//! crates.io since 2015, data from the pinyin-data project built on Unicode's Unihan and the
//! Xiandai Hanyu Cidian) gives every reading of a character (its `heteronym` feature) and
//! nothing else: no word dictionary and no run-time dependencies, so it adds little to the
//! builder and nothing to the app, which gets only the table this module writes. It was chosen
//! over `pinyin-converter` (a word dictionary of 8.5 MB, first released recently and requiring
//! Rust 1.95) and `ib-pinyin` (a matcher that would have to ship its data in the app).
//!
//! Being character-based, it cannot know that 长 in 长者 is *zhǎng* and in 长城 *cháng*. So:
//! - a character outside known words keeps **all** its readings (most usual first, at most
//!   [`MAX_READINGS_PER_CHAR`]), so whichever the user types matches;
//! - [`NAME_WORDS`] below fixes the reading of polyphonic characters in words common in place
//!   and service names. Inside such a word only its reading matches: 长者食堂 is found by
//!   `zhangzhe` and `zzst`, not by `changzhe`. Where a word is itself read two ways in names,
//!   both are listed (`|`).

use std::collections::{BTreeMap, BTreeSet};

use linli_core::pinyin::{
    CharReadings, PhraseReadings, Readings, SyllableId, MAX_READINGS_PER_CHAR,
};
use pinyin::ToPinyinMulti;

/// Words of place and service names with a polyphonic character, and their reading in names
/// (toneless, one syllable per character, `|` between readings allowed for one character).
/// Add a word here when a name is found by the wrong reading.
pub const NAME_WORDS: &[(&str, &str)] = &[
    // 长: zhǎng for elders and heads, cháng for length and most places.
    ("长者", "zhang zhe"),
    ("长老", "zhang lao"),
    ("校长", "xiao zhang"),
    ("站长", "zhan zhang"),
    ("社长", "she zhang"),
    ("长城", "chang cheng"),
    ("长安", "chang an"),
    ("长江", "chang jiang"),
    ("长沙", "chang sha"),
    ("长春", "chang chun"),
    ("长宁", "chang ning"),
    ("长寿", "chang shou"),
    ("长征", "chang zheng"),
    ("长廊", "chang lang"),
    ("长青", "chang qing"),
    ("长岭", "chang ling"),
    // 行: háng for banks and trades, xíng for walking and administration.
    ("银行", "yin hang"),
    ("商行", "shang hang"),
    ("车行", "che hang"),
    ("行业", "hang ye"),
    ("步行", "bu xing"),
    ("人行", "ren xing"),
    ("出行", "chu xing"),
    ("行政", "xing zheng"),
    ("自行车", "zi xing che"),
    // 重: chóng in 重庆 and 重阳.
    ("重庆", "chong qing"),
    ("重阳", "chong yang"),
    // 厦: shà for buildings, xià in Xiamen and Shixia (石厦, Futian).
    ("大厦", "da sha"),
    ("广厦", "guang sha"),
    ("厦门", "xia men"),
    ("石厦", "shi xia"),
    // 都: dū in city names.
    ("成都", "cheng du"),
    ("首都", "shou du"),
    ("都市", "du shi"),
    // 乐: lè for parks, yuè for music.
    ("乐园", "le yuan"),
    ("快乐", "kuai le"),
    ("音乐", "yin yue"),
    // 会: huì for meeting places, kuài for accounting.
    ("会所", "hui suo"),
    ("社会", "she hui"),
    ("居委会", "ju wei hui"),
    ("会计", "kuai ji"),
    // 便: biàn for convenience.
    ("便民", "bian min"),
    ("便利", "bian li"),
    ("方便", "fang bian"),
    // 区: qū (ōu is a surname).
    ("社区", "she qu"),
    ("小区", "xiao qu"),
    ("园区", "yuan qu"),
    ("街区", "jie qu"),
    // 单: dān for bikes and units.
    ("单车", "dan che"),
    ("单元", "dan yuan"),
    // Others common on signs.
    ("调解", "tiao jie"),
    ("食堂", "shi tang"),
    ("大道", "da dao"),
    ("地铁", "di tie"),
    ("朝阳", "chao yang"),
    ("西藏", "xi zang"),
    ("宿舍", "su she"),
    ("少年", "shao nian"),
    ("沙尾", "sha wei"),
    // Cantonese place names: 涌 is chōng (a creek), 仔 is zǎi.
    ("东涌", "dong chong|yong"),
    ("湾仔", "wan zai"),
    ("村仔", "cun zai"),
];

/// Why a reading table entry is unusable (a mistake in [`NAME_WORDS`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("name word '{word}': {problem}")]
pub struct WordError {
    /// The word.
    pub word: String,
    /// What is wrong.
    pub problem: String,
}

/// A syllable in the form stored: lower-case ASCII, `ü` as `v`, `ê` as `e`.
fn plain_syllable(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'ü' => Some('v'),
            'ê' => Some('e'),
            c if c.is_ascii_alphabetic() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// Every toneless reading of `ch`, most usual first, without repeats.
pub fn char_readings(ch: char) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some(multi) = ch.to_pinyin_multi() {
        for p in multi {
            let s = plain_syllable(p.plain());
            if !s.is_empty() && !out.contains(&s) && out.len() < MAX_READINGS_PER_CHAR {
                out.push(s);
            }
        }
    }
    out
}

/// The readings of a word from [`NAME_WORDS`], checked: one syllable group per character,
/// each a reading the dictionary knows for that character.
pub fn word_readings(word: &str, reading: &str) -> Result<Vec<Vec<String>>, WordError> {
    let err = |problem: String| WordError {
        word: word.to_string(),
        problem,
    };
    let groups: Vec<Vec<String>> = reading
        .split_whitespace()
        .map(|g| g.split('|').map(plain_syllable).collect())
        .collect();
    let chars: Vec<char> = word.chars().collect();
    if groups.len() != chars.len() {
        return Err(err(format!(
            "{} characters but {} syllables",
            chars.len(),
            groups.len()
        )));
    }
    for (ch, group) in chars.iter().zip(&groups) {
        let known = char_readings(*ch);
        if let Some(bad) = group.iter().find(|s| !known.contains(s)) {
            return Err(err(format!(
                "'{bad}' is not a reading of '{ch}' (known: {})",
                known.join(", ")
            )));
        }
    }
    Ok(groups)
}

/// The readings table for `texts`: every character of them the dictionary knows, and the
/// [`NAME_WORDS`] that occur in them. Deterministic (sorted), so the same input builds the same
/// bytes.
pub fn readings_for<'a>(texts: impl IntoIterator<Item = &'a str>) -> Readings {
    let texts: Vec<&str> = texts.into_iter().collect();
    let mut chars: BTreeMap<char, Vec<String>> = BTreeMap::new();
    let distinct: BTreeSet<char> = texts.iter().flat_map(|t| t.chars()).collect();
    for ch in distinct {
        let r = char_readings(ch);
        if !r.is_empty() {
            chars.insert(ch, r);
        }
    }
    let mut words: BTreeMap<&str, Vec<Vec<String>>> = BTreeMap::new();
    for (word, reading) in NAME_WORDS {
        if texts.iter().any(|t| t.contains(word)) {
            // NAME_WORDS is checked by a test; a bad entry is left out rather than guessed.
            if let Ok(groups) = word_readings(word, reading) {
                words.insert(word, groups);
            }
        }
    }
    let syllables: BTreeSet<&str> = chars
        .values()
        .flatten()
        .chain(words.values().flatten().flatten())
        .map(String::as_str)
        .collect();
    let syllables: Vec<String> = syllables.into_iter().map(str::to_string).collect();
    let id = |s: &String| -> SyllableId {
        let i = syllables.binary_search(s).unwrap_or(0);
        SyllableId::try_from(i).unwrap_or(SyllableId::MAX)
    };
    Readings {
        chars: chars
            .iter()
            .map(|(ch, r)| CharReadings {
                ch: *ch,
                syllables: r.iter().map(id).collect(),
            })
            .collect(),
        phrases: words
            .iter()
            .map(|(w, groups)| PhraseReadings {
                text: (*w).to_string(),
                syllables: groups.iter().map(|g| g.iter().map(id).collect()).collect(),
            })
            .collect(),
        syllables,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_word_is_read_with_known_readings() {
        for (word, reading) in NAME_WORDS {
            word_readings(word, reading).unwrap_or_else(|e| panic!("{e}"));
        }
        let mut sorted: Vec<&str> = NAME_WORDS.iter().map(|(w, _)| *w).collect();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), NAME_WORDS.len(), "a word is listed twice");
    }

    #[test]
    fn polyphones_have_every_reading_outside_words() {
        assert_eq!(char_readings('长'), ["zhang", "chang"]);
        assert!(char_readings('行').starts_with(&["xing".to_string(), "hang".to_string()]));
        assert!(char_readings('重').contains(&"chong".to_string()));
        assert_eq!(char_readings('绿'), ["lv", "lu"]);
        assert!(char_readings('a').is_empty());
    }

    #[test]
    fn the_table_is_valid_sorted_and_only_has_what_occurs() {
        let r = readings_for(["香岭社区长者食堂", "银行", "Toilet"]);
        r.validate().expect("valid");
        assert!(r.of_char('长').is_some() && r.of_char('路').is_none());
        let words: Vec<&str> = r.phrases.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(words, ["社区", "银行", "长者", "食堂"]);
        assert!(r.syllables.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(readings_for(["长者"]), readings_for(["长者"]));
    }

    #[test]
    fn bad_words_are_named() {
        let e = word_readings("长者", "chang").expect_err("count");
        assert!(
            e.to_string().contains("2 characters but 1 syllables"),
            "{e}"
        );
        let e = word_readings("长者", "chong zhe").expect_err("reading");
        assert!(
            e.to_string().contains("'chong' is not a reading of '长'"),
            "{e}"
        );
    }
}
