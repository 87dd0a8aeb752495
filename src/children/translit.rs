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
    }

    #[test]
    fn the_key_is_plain_lower_case_latin() {
        assert_eq!(search_key("Бакыт-Уулу Ысмайыл"), "bakit uulu ismaiil");
        assert_eq!(search_key("Ольга Юрьевна"), "olga iurevna");
    }
}
