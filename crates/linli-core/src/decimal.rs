//! Decimal numbers in and out without the standard library's float formatting and parsing.
//!
//! `format!("{:.6}", x)` and `"22.535".parse::<f64>()` bring Rust's general float algorithms
//! into the web app's wasm: Grisu/Dragon for formatting and Eisel-Lemire for parsing, with a
//! 10 KB table of powers of five that compresses badly. The app only writes a handful of
//! values (metres, minutes, shares, coordinates) and only reads coordinates and sizes from its
//! URL, so these two small exact routines do instead:
//!
//! - [`Fixed`] writes a number with a fixed count of decimals, exactly as `{:.N}` does (the
//!   binary value rounded half to even), proven against `format!` by the tests below;
//! - [`parse`] reads `[+-]digits[.digits][e[+-]digits]`, correctly rounded (equal to
//!   `str::parse`) for up to 15 significant digits and a power of ten within ±22, which covers
//!   every coordinate and size a URL carries; longer inputs are read to within a relative
//!   1e-15.

use std::fmt;

/// The largest power of ten that an `f64` holds exactly.
const EXACT_POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The most decimals [`Fixed`] writes.
pub const MAX_DECIMALS: u8 = 9;

/// `x` written with `decimals` digits after the point (at most [`MAX_DECIMALS`]), as
/// `format!("{x:.decimals$}")` writes it: the exact binary value rounded half to even, a `-`
/// for negative values (negative zero included), `NaN`, `inf` and `-inf`.
///
/// ```
/// use linli_core::decimal::Fixed;
/// assert_eq!(Fixed(114.02, 6).to_string(), "114.020000");
/// assert_eq!(Fixed(0.125, 2).to_string(), "0.12");
/// assert_eq!(Fixed(1234.5, 0).to_string(), "1234");
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fixed(pub f64, pub u8);

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Fixed(x, decimals) = *self;
        let decimals = u32::from(decimals.min(MAX_DECIMALS));
        if x.is_nan() {
            return f.write_str("NaN");
        }
        if x.is_sign_negative() {
            f.write_str("-")?;
        }
        if x.is_infinite() {
            return f.write_str("inf");
        }
        let (int, frac) = match split_rounded(x.abs(), decimals) {
            Some(parts) => parts,
            None => {
                // 2^128 and beyond (no value the app writes): an integer, its digits worked
                // out in base 10^9.
                write_big_integer(f, x.abs())?;
                (0, 0)
            }
        };
        if int > 0 || frac > 0 || !is_big(x.abs()) {
            write_u128(f, int)?;
        }
        if decimals > 0 {
            f.write_str(".")?;
            let mut digits = [b'0'; MAX_DECIMALS as usize];
            let mut rest = frac;
            for d in digits[..decimals as usize].iter_mut().rev() {
                *d = b'0' + (rest % 10) as u8;
                rest /= 10;
            }
            // Only ASCII digits were written.
            f.write_str(std::str::from_utf8(&digits[..decimals as usize]).unwrap_or_default())?;
        }
        Ok(())
    }
}

/// Is `x` (finite, non-negative) at least 2^128 / 10^MAX_DECIMALS, where `split_rounded` gives up?
fn is_big(x: f64) -> bool {
    x >= 3.0e29
}

/// `x` with at most 6 decimals and no trailing zeros (nor a trailing point): `2`, `1000`,
/// `114.02`, `-0.5`. For a value with at most 6 decimals this is what `format!("{x}")` writes;
/// others are rounded to 6 decimals (as [`Fixed`] rounds). For messages.
///
/// ```
/// use linli_core::decimal::Trimmed;
/// assert_eq!(Trimmed(2.0).to_string(), "2");
/// assert_eq!(Trimmed(114.02).to_string(), "114.02");
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Trimmed(pub f64);

impl fmt::Display for Trimmed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = Fixed(self.0, 6).to_string();
        let s = if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.')
        } else {
            &s
        };
        f.write_str(s)
    }
}

/// A finite, non-negative `x` times `10^decimals`, rounded half to even on the exact binary
/// value, as (integer part, the `decimals` digits after the point as a number); `None` when
/// that does not fit in 128 bits (from about 3e29 up).
fn split_rounded(x: f64, decimals: u32) -> Option<(u128, u64)> {
    if is_big(x) {
        return None;
    }
    let scale = 10u128.pow(decimals);
    // x = mantissa · 2^exp exactly.
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    let (mantissa, exp) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), biased - 1075)
    };
    let scaled = if exp >= 0 {
        // An integer below 3e29 (2^53 · 2^exp with exp ≤ 45): times 10^9 still under 2^128.
        (u128::from(mantissa) << exp) * scale
    } else {
        // mantissa · scale < 2^53 · 10^9 < 2^83: exact. Then divide by 2^-exp, rounding half
        // to even on the remainder.
        let product = u128::from(mantissa) * scale;
        let shift = (-exp) as u32;
        if shift >= 128 {
            0
        } else {
            let q = product >> shift;
            let r = product - (q << shift);
            let half = 1u128 << (shift - 1);
            if r > half || (r == half && q & 1 == 1) {
                q + 1
            } else {
                q
            }
        }
    };
    Some((scaled / scale, (scaled % scale) as u64))
}

/// Writes a finite integral `x` of any size exactly (`mantissa · 2^exp`, doubled in base 10^9).
fn write_big_integer(f: &mut fmt::Formatter<'_>, x: f64) -> fmt::Result {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as u32;
    let mantissa = (bits & ((1u64 << 52) - 1)) | (1u64 << 52);
    let mut exp = biased.saturating_sub(1075);
    const BASE: u64 = 1_000_000_000;
    let mut limbs = vec![
        mantissa % BASE,
        mantissa / BASE % BASE,
        mantissa / BASE / BASE,
    ];
    while exp > 0 {
        let step = exp.min(29);
        exp -= step;
        let mut carry = 0u64;
        for limb in &mut limbs {
            let v = (*limb << step) + carry;
            *limb = v % BASE;
            carry = v / BASE;
        }
        while carry > 0 {
            limbs.push(carry % BASE);
            carry /= BASE;
        }
    }
    while limbs.len() > 1 && limbs.last() == Some(&0) {
        limbs.pop();
    }
    let mut first = true;
    for limb in limbs.iter().rev() {
        if first {
            write!(f, "{limb}")?;
            first = false;
        } else {
            write!(f, "{limb:09}")?;
        }
    }
    Ok(())
}

fn write_u128(f: &mut fmt::Formatter<'_>, mut v: u128) -> fmt::Result {
    let mut buf = [0u8; 39];
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    f.write_str(std::str::from_utf8(&buf[at..]).unwrap_or_default())
}

/// Reads a decimal number: an optional sign, digits with an optional point (at least one digit
/// on either side), and an optional exponent (`e` or `E`, an optional sign, digits). No spaces,
/// no `inf` or `NaN`, no hexadecimal: `None` for anything else.
///
/// The result equals `s.parse::<f64>()` when the number has at most 15 significant digits and
/// its power of ten (the exponent less the digits after the point) is within ±22; otherwise it
/// is within a relative 1e-15 of it (digits past the 19th are not read; a larger power is
/// applied in steps; subnormal results, below 2.2e-308, less precisely), and 0 or infinity
/// where that is.
///
/// ```
/// assert_eq!(linli_core::decimal::parse("22.535"), Some(22.535));
/// assert_eq!(linli_core::decimal::parse("-1.5e2"), Some(-150.0));
/// assert_eq!(linli_core::decimal::parse("1,5"), None);
/// ```
pub fn parse(s: &str) -> Option<f64> {
    let bytes = s.as_bytes();
    let mut i = 0;
    let negative = match bytes.first() {
        Some(b'-') => {
            i = 1;
            true
        }
        Some(b'+') => {
            i = 1;
            false
        }
        _ => false,
    };
    // The significant digits as an integer (at most 19 kept), and the power of ten it needs.
    let mut mantissa: u64 = 0;
    let mut kept = 0u32;
    let mut power: i64 = 0;
    let mut digits = 0u32;
    let mut seen_point = false;
    while let Some(&c) = bytes.get(i) {
        match c {
            b'0'..=b'9' => {
                digits += 1;
                let d = u64::from(c - b'0');
                if kept < 19 && (mantissa > 0 || d > 0) {
                    mantissa = mantissa * 10 + d;
                    kept += 1;
                    if seen_point {
                        power -= 1;
                    }
                } else if mantissa == 0 && d == 0 {
                    // A leading zero: after the point it still moves the point.
                    if seen_point {
                        power -= 1;
                    }
                } else if !seen_point {
                    // A digit beyond the 19 kept, before the point: the number is ten times larger.
                    power += 1;
                }
            }
            b'.' if !seen_point => seen_point = true,
            _ => break,
        }
        i += 1;
    }
    if digits == 0 {
        return None;
    }
    if let Some(b'e' | b'E') = bytes.get(i) {
        i += 1;
        let exp_negative = match bytes.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let start = i;
        let mut exp: i64 = 0;
        while let Some(&c) = bytes.get(i) {
            if !c.is_ascii_digit() {
                break;
            }
            exp = (exp * 10 + i64::from(c - b'0')).min(100_000);
            i += 1;
        }
        if i == start {
            return None;
        }
        power += if exp_negative { -exp } else { exp };
    }
    if i != bytes.len() {
        return None;
    }
    let value = scale(mantissa, power);
    Some(if negative { -value } else { value })
}

/// `mantissa · 10^power`: one correctly rounded operation when both are exact in an `f64`.
fn scale(mantissa: u64, power: i64) -> f64 {
    if mantissa == 0 {
        return 0.0;
    }
    let m = mantissa as f64;
    match power {
        0 => m,
        1..=22 => m * EXACT_POW10[power as usize],
        -22..=-1 => m / EXACT_POW10[(-power) as usize],
        p if p > 0 => {
            // Beyond 1e22: in steps (the value overflows to infinity past ~1.8e308).
            let mut v = m;
            let mut p = p;
            while p > 22 && v.is_finite() {
                v *= 1e22;
                p -= 22;
            }
            if p > 22 {
                return v;
            }
            v * EXACT_POW10[p as usize]
        }
        p => {
            let mut v = m;
            let mut p = -p;
            while p > 22 && v != 0.0 {
                v /= 1e22;
                p -= 22;
            }
            if p > 22 {
                return v;
            }
            v / EXACT_POW10[p as usize]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn std_fixed(x: f64, d: u8) -> String {
        format!("{x:.*}", usize::from(d))
    }

    #[test]
    fn fixed_matches_format_on_edges() {
        let cases = [
            0.0,
            -0.0,
            0.5,
            1.5,
            2.5,
            -2.5,
            0.125,
            0.375,
            1e-7,
            5e-7,
            4.9999995e-7,
            0.0000005,
            999.9995,
            999.99949999,
            114.02,
            22.535,
            -33.86785,
            f64::MIN_POSITIVE,
            5e-324,
            1e15,
            123_456_789_012.345,
            9_007_199_254_740_993.0,
            1e20,
            1.8e19,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        for x in cases {
            for d in 0..=MAX_DECIMALS {
                assert_eq!(
                    Fixed(x, d).to_string(),
                    std_fixed(x, d),
                    "{x:e} with {d} decimals"
                );
            }
        }
    }

    #[test]
    fn trimmed_matches_display_up_to_6_decimals() {
        for x in [
            0.0,
            -0.0,
            2.0,
            1000.0,
            114.02,
            22.535,
            -0.5,
            0.000001,
            1e20,
            123456.789,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            assert_eq!(Trimmed(x).to_string(), format!("{x}"), "{x:e}");
        }
        assert_eq!(Trimmed(0.1234567).to_string(), "0.123457");
    }

    #[test]
    fn parse_reads_what_std_reads() {
        for s in [
            "0",
            "-0",
            "+1",
            "22.535",
            "114.02",
            ".5",
            "5.",
            "-.25",
            "1e3",
            "1E-3",
            "2.2535e1",
            "0.000001",
            "007",
            "1e22",
            "1e-22",
            "123456789012345",
            "0.1",
            "0.3",
            "-180",
            "89.999999",
        ] {
            assert_eq!(parse(s), s.parse::<f64>().ok(), "{s}");
        }
    }

    #[test]
    fn parse_refuses_what_is_not_a_plain_decimal() {
        for s in [
            "", "-", "+", ".", "e5", "1e", "1e+", "1.2.3", " 1", "1 ", "1,5", "0x10", "inf", "NaN",
            "infinity", "1..2", "--1", "1e5x", "١٢",
        ] {
            assert_eq!(parse(s), None, "{s:?}");
        }
    }

    #[test]
    fn parse_long_inputs_within_a_relative_1e_15() {
        for s in [
            "0.1234567890123456789",
            "12345678901234567890123",
            "3.141592653589793238462643383279",
            "1e300",
            "1e-300",
            "1e400",
            "1e-400",
            "0.00000000000000000000000000000000000001",
        ] {
            let want = s.parse::<f64>().expect("std reads it");
            let got = parse(s).expect("parse reads it");
            if want.is_infinite() || want == 0.0 {
                assert_eq!(got, want, "{s}");
            } else {
                assert!(
                    ((got - want) / want).abs() <= 1e-15,
                    "{s}: {got:e} against {want:e}"
                );
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn fixed_equals_format(bits in any::<u64>(), d in 0..=MAX_DECIMALS) {
            let x = f64::from_bits(bits);
            prop_assert_eq!(Fixed(x, d).to_string(), std_fixed(x, d));
        }

        #[test]
        fn fixed_equals_format_on_app_values(x in -1.0e7..1.0e7f64, d in 0..=MAX_DECIMALS) {
            prop_assert_eq!(Fixed(x, d).to_string(), std_fixed(x, d));
        }

        #[test]
        fn fixed_equals_format_near_ties(int in 0u64..100_000_000, d in 0..=6u8) {
            // Values written with one more decimal, a 5: the ties of `{:.d}`, as close as an
            // f64 gets to them.
            let x = (int as f64 * 10.0 + 5.0) / 10f64.powi(i32::from(d) + 1);
            prop_assert_eq!(Fixed(x, d).to_string(), std_fixed(x, d));
        }

        #[test]
        fn parse_equals_std_up_to_15_digits(
            int in 0u64..1_000_000_000_000_000,
            point in 0usize..16,
            exp in -7i32..8,
            negative in any::<bool>(),
        ) {
            let digits = int.to_string();
            let point = point.min(digits.len());
            let (a, b) = digits.split_at(digits.len() - point);
            let mut s = String::new();
            if negative { s.push('-'); }
            s.push_str(if a.is_empty() { "0" } else { a });
            if !b.is_empty() { s.push('.'); s.push_str(b); }
            if exp != 0 { s.push_str(&format!("e{exp}")); }
            prop_assert_eq!(parse(&s), s.parse::<f64>().ok(), "{}", s);
        }

        #[test]
        fn trimmed_equals_display_on_micro_degrees(e6 in -400_000_000i64..400_000_000) {
            let x = e6 as f64 / 1e6;
            prop_assert_eq!(Trimmed(x).to_string(), format!("{x}"));
        }

        #[test]
        fn parse_reads_fixed_back(x in -180.0..180.0f64, d in 0..=MAX_DECIMALS) {
            let s = Fixed(x, d).to_string();
            prop_assert_eq!(parse(&s), s.parse::<f64>().ok(), "{}", s);
        }
    }
}
