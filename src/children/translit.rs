//! One Latin spelling for a name written in Kyrgyz or Russian Cyrillic or in any
//! common Latin transliteration, so that "Жумабаева", "Джумабаева",
//! "Zhumabaeva" and "Jumabaeva" meet. It is a matching key, never shown.
//!
//! Rules: lower-case; Kyrgyz ң ө ү and their Latin renderings (ng, ö/o, ü/u)
//! fold together (ңг and ng too); ж, дж, zh, dzh, j → j; х, kh → h; ы, й, и, y, i → i (they are
//! rendered interchangeably); soft and hard signs vanish; anything that is not a
//! letter or digit becomes one space.

/// The matching key of a name.
pub fn search_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    // Compatibility forms fold (full-width letters, ligatures); invisible
    // format characters vanish; look-alike letters of another script take
    // the place of the letters they imitate.
    let name: String = name
        .nfkc()
        .filter(|c| !crate::web::forms::is_format_char(*c))
        .collect();
    let name = unconfuse(&name);
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        let mapped: &str = match c {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'е' | 'ё' | 'э' => "e",
            'ж' => "j",
            'з' => "z",
            'и' | 'й' | 'ы' | 'і' => "i",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'ң' => "ng",
            'о' | 'ө' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' | 'ү' | 'ў' => "u",
            'ф' => "f",
            'х' | 'һ' => "h",
            'ц' => "ts",
            'ч' => "ch",
            'ш' | 'щ' => "sh",
            'ъ' | 'ь' => "",
            'ю' => "iu",
            'я' => "ia",
            'ö' | 'ó' | 'ò' | 'ô' => "o",
            'ü' | 'ú' | 'ù' | 'û' => "u",
            'ñ' => "ng",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'á' | 'à' | 'â' | 'ä' => "a",
            'í' | 'ì' | 'î' | 'ï' | 'y' => "i",
            'q' => "k",
            'w' => "v",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => " ",
        };
        out.push_str(mapped);
    }
    // Digraphs of the Latin renderings, after the letters are folded.
    // ңг is written "ngg" by the letters and "ng" by people.
    let folded = out
        .replace("dzh", "j")
        .replace("zh", "j")
        .replace("dj", "j")
        .replace("kh", "h")
        .replace("ngg", "ng");
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Greek and Latin letters that look like Cyrillic ones, and the Cyrillic
/// letters they imitate.
const CYRILLIC_TWINS: &[(char, char)] = &[
    ('a', 'а'),
    ('c', 'с'),
    ('e', 'е'),
    ('o', 'о'),
    ('p', 'р'),
    ('x', 'х'),
    ('y', 'у'),
    ('k', 'к'),
    ('i', 'і'),
    ('A', 'А'),
    ('B', 'В'),
    ('C', 'С'),
    ('E', 'Е'),
    ('H', 'Н'),
    ('K', 'К'),
    ('M', 'М'),
    ('O', 'О'),
    ('P', 'Р'),
    ('T', 'Т'),
    ('X', 'Х'),
    ('Y', 'У'),
    ('α', 'а'),
    ('ε', 'е'),
    ('ο', 'о'),
    ('ρ', 'р'),
    ('υ', 'у'),
    ('χ', 'х'),
    ('κ', 'к'),
    ('ι', 'і'),
    ('τ', 'т'),
    ('Α', 'А'),
    ('Β', 'В'),
    ('Ε', 'Е'),
    ('Η', 'Н'),
    ('Κ', 'К'),
    ('Μ', 'М'),
    ('Ο', 'О'),
    ('Ρ', 'Р'),
    ('Τ', 'Т'),
    ('Χ', 'Х'),
    ('Υ', 'У'),
];

/// Greek letters that look like Latin ones (in a word with no Cyrillic).
const LATIN_TWINS: &[(char, char)] = &[
    ('α', 'a'),
    ('ε', 'e'),
    ('ο', 'o'),
    ('ρ', 'p'),
    ('υ', 'u'),
    ('χ', 'x'),
    ('κ', 'k'),
    ('ι', 'i'),
    ('τ', 't'),
    ('ν', 'v'),
    ('Α', 'A'),
    ('Β', 'B'),
    ('Ε', 'E'),
    ('Η', 'H'),
    ('Κ', 'K'),
    ('Μ', 'M'),
    ('Ο', 'O'),
    ('Ρ', 'P'),
    ('Τ', 'T'),
    ('Χ', 'X'),
    ('Υ', 'Y'),
];

fn is_cyrillic(c: char) -> bool {
    matches!(c as u32, 0x0400..=0x052F)
}

/// Each word written mostly in Cyrillic gets its Latin and Greek look-alikes
/// back as the Cyrillic letters they imitate ("Αйгүл" with a Greek Alpha is
/// "Айгүл"); Greek letters in any other word become the Latin ones they look
/// like. A word wholly in Latin is left as it is (it is a transliteration).
fn unconfuse(name: &str) -> String {
    let twin = |table: &[(char, char)], c: char| {
        table
            .iter()
            .find(|(from, _)| *from == c)
            .map_or(c, |(_, to)| *to)
    };
    let mut out = String::with_capacity(name.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let cyrillic = word.chars().any(is_cyrillic);
        for c in word.chars() {
            out.push(if cyrillic {
                twin(CYRILLIC_TWINS, c)
            } else {
                twin(LATIN_TWINS, c)
            });
        }
        word.clear();
    };
    for c in name.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::search_key;

    #[test]
    fn spellings_of_one_name_meet() {
        let same = |a: &str, b: &str| assert_eq!(search_key(a), search_key(b), "{a} / {b}");
        same("Жумабаева", "Zhumabaeva");
        same("Жумабаева", "Jumabaeva");
        same("Джумабаева", "Жумабаева");
        same("Айгүл", "Aigul");
        same("Айгүл", "Aygül");
        same("Өмүрбек", "Omurbek");
        same("Өмүрбек", "Ömürbek");
        same("Аңсар", "Angsar");
        same("Кыдыраев", "Kydyraev");
        same("Чыңгыз", "Chyngyz");
        same("Хасанов", "Khasanov");
        same("  ТОКТОГУЛОВА  ", "toktogulova");
        // Look-alikes of other scripts, invisible marks, compatibility forms.
        same("Жумабаева Айгүл", "Жумаб\u{03b1}ев\u{03b1} \u{0391}йгүл");
        same("Жумабаева Айгүл", "Жумaбaевa Aйгүл");
        same("Токтогулова", "Ток\u{200b}тогу\u{00ad}лова\u{202e}");
        same("Токтогулова", "Т\u{03bf}кт\u{03bf}г\u{03c5}л\u{03bf}ва");
        same("Zhumabaeva", "Ｚｈｕｍａｂａｅｖａ");
        same("Zhumabaeva", "Zhum\u{03b1}baeva");
    }

    #[test]
    fn the_key_is_plain_lower_case_latin() {
        assert_eq!(search_key("Бакыт-Уулу Ысмайыл"), "bakit uulu ismaiil");
        assert_eq!(search_key("Ольга Юрьевна"), "olga iurevna");
    }
}
