-- The administrative-territorial tree of the Kyrgyz Republic, first and second level.
--
-- Source: the State classifier of the designations of administrative-territorial
-- units and settlements (СОАТЕ, National Statistical Committee of the Kyrgyz
-- Republic) and the Law "On the administrative-territorial structure of the Kyrgyz
-- Republic": 7 regions (облус / область), 2 cities of republican significance,
-- 40 districts (район) of the regions, the 4 city districts of Bishkek and the
-- 12 cities of regional significance. First-level codes are ISO 3166-2:KG; lower
-- levels use stable keys of our own (region code + transliterated name), since
-- the keys are what other records and the scale generator refer to.
-- English names follow the official romanisation used by the Statistical
-- Committee's English publications (Ü/Ö kept where that is the usual spelling).
-- Ayil aimaks (the third level) are added per territory as units go live.

INSERT INTO locations (code, parent_id, level, path, sort_order, name_ky, name_ru, name_en)
VALUES ('KG', NULL, 'country', 'KG', 0, 'Кыргыз Республикасы', 'Кыргызская Республика', 'Kyrgyz Republic');

INSERT INTO locations (code, parent_id, level, path, sort_order, name_ky, name_ru, name_en)
SELECT v.code, (SELECT id FROM locations WHERE code = 'KG'), v.level, 'KG/' || v.code, v.ord, v.ky, v.ru, v.en
FROM (VALUES
    ('KG-GB', 'republican_city', 1, 'Бишкек шаары',      'город Бишкек',            'Bishkek City'),
    ('KG-GO', 'republican_city', 2, 'Ош шаары',          'город Ош',                'Osh City'),
    ('KG-B',  'region',          3, 'Баткен облусу',     'Баткенская область',      'Batken Region'),
    ('KG-C',  'region',          4, 'Чүй облусу',        'Чуйская область',         'Chüy Region'),
    ('KG-J',  'region',          5, 'Жалал-Абад облусу', 'Джалал-Абадская область', 'Jalal-Abad Region'),
    ('KG-N',  'region',          6, 'Нарын облусу',      'Нарынская область',       'Naryn Region'),
    ('KG-O',  'region',          7, 'Ош облусу',         'Ошская область',          'Osh Region'),
    ('KG-T',  'region',          8, 'Талас облусу',      'Таласская область',       'Talas Region'),
    ('KG-Y',  'region',          9, 'Ысык-Көл облусу',   'Иссык-Кульская область',  'Issyk-Kul Region')
) AS v (code, level, ord, ky, ru, en);

INSERT INTO locations (code, parent_id, level, path, sort_order, name_ky, name_ru, name_en)
SELECT v.code, p.id, v.level, p.path || '/' || v.code, v.ord, v.ky, v.ru, v.en
FROM (VALUES
    -- Bishkek: city districts
    ('KG-GB', 'KG-GB-LENIN',      'district', 1, 'Ленин району',       'Ленинский район',          'Lenin District'),
    ('KG-GB', 'KG-GB-OKTYABR',    'district', 2, 'Октябрь району',     'Октябрьский район',        'Oktyabr District'),
    ('KG-GB', 'KG-GB-PERVOMAY',   'district', 3, 'Первомай району',    'Первомайский район',       'Pervomay District'),
    ('KG-GB', 'KG-GB-SVERDLOV',   'district', 4, 'Свердлов району',    'Свердловский район',       'Sverdlov District'),
    -- Batken Region
    ('KG-B', 'KG-B-BATKEN',       'district', 1, 'Баткен району',      'Баткенский район',         'Batken District'),
    ('KG-B', 'KG-B-KADAMJAY',     'district', 2, 'Кадамжай району',    'Кадамжайский район',       'Kadamjay District'),
    ('KG-B', 'KG-B-LEILEK',       'district', 3, 'Лейлек району',      'Лейлекский район',         'Leilek District'),
    ('KG-B', 'KG-B-C-BATKEN',     'city',     4, 'Баткен шаары',       'город Баткен',             'Batken city'),
    ('KG-B', 'KG-B-C-KYZYLKIYA',  'city',     5, 'Кызыл-Кыя шаары',    'город Кызыл-Кия',          'Kyzyl-Kiya city'),
    ('KG-B', 'KG-B-C-SULUKTU',    'city',     6, 'Сүлүктү шаары',      'город Сулюкта',            'Sulukta city'),
    -- Chüy Region
    ('KG-C', 'KG-C-ALAMUDUN',     'district', 1, 'Аламүдүн району',    'Аламудунский район',       'Alamüdün District'),
    ('KG-C', 'KG-C-JAIYL',        'district', 2, 'Жайыл району',       'Жайылский район',          'Jaiyl District'),
    ('KG-C', 'KG-C-KEMIN',        'district', 3, 'Кемин району',       'Кеминский район',          'Kemin District'),
    ('KG-C', 'KG-C-MOSKVA',       'district', 4, 'Москва району',      'Московский район',         'Moskva District'),
    ('KG-C', 'KG-C-PANFILOV',     'district', 5, 'Панфилов району',    'Панфиловский район',       'Panfilov District'),
    ('KG-C', 'KG-C-SOKULUK',      'district', 6, 'Сокулук району',     'Сокулукский район',        'Sokuluk District'),
    ('KG-C', 'KG-C-YSYKATA',      'district', 7, 'Ысык-Ата району',    'Ысык-Атинский район',      'Ysyk-Ata District'),
    ('KG-C', 'KG-C-CHUY',         'district', 8, 'Чүй району',         'Чуйский район',            'Chüy District'),
    ('KG-C', 'KG-C-C-TOKMOK',     'city',     9, 'Токмок шаары',       'город Токмок',             'Tokmok city'),
    -- Jalal-Abad Region
    ('KG-J', 'KG-J-AKSY',         'district', 1, 'Аксы району',        'Аксыйский район',          'Aksy District'),
    ('KG-J', 'KG-J-ALABUKA',      'district', 2, 'Ала-Бука району',    'Ала-Букинский район',      'Ala-Buka District'),
    ('KG-J', 'KG-J-BAZARKORGON',  'district', 3, 'Базар-Коргон району','Базар-Коргонский район',   'Bazar-Korgon District'),
    ('KG-J', 'KG-J-NOOKEN',       'district', 4, 'Ноокен району',      'Ноокенский район',         'Nooken District'),
    ('KG-J', 'KG-J-SUZAK',        'district', 5, 'Сузак району',       'Сузакский район',          'Suzak District'),
    ('KG-J', 'KG-J-TOGUZTORO',    'district', 6, 'Тогуз-Торо району',  'Тогуз-Тороуский район',    'Toguz-Toro District'),
    ('KG-J', 'KG-J-TOKTOGUL',     'district', 7, 'Токтогул району',    'Токтогульский район',      'Toktogul District'),
    ('KG-J', 'KG-J-CHATKAL',      'district', 8, 'Чаткал району',      'Чаткальский район',        'Chatkal District'),
    ('KG-J', 'KG-J-C-JALALABAD',  'city',     9, 'Жалал-Абад шаары',   'город Джалал-Абад',        'Jalal-Abad city'),
    ('KG-J', 'KG-J-C-KARAKOL',    'city',    10, 'Кара-Көл шаары',     'город Кара-Куль',          'Kara-Köl city'),
    ('KG-J', 'KG-J-C-MAILUUSUU',  'city',    11, 'Майлуу-Суу шаары',   'город Майлуу-Суу',         'Mailuu-Suu city'),
    ('KG-J', 'KG-J-C-TASHKOMUR',  'city',    12, 'Таш-Көмүр шаары',    'город Таш-Кумыр',          'Tash-Kömür city'),
    -- Naryn Region
    ('KG-N', 'KG-N-AKTALAA',      'district', 1, 'Ак-Талаа району',    'Ак-Талинский район',       'Ak-Talaa District'),
    ('KG-N', 'KG-N-ATBASHY',      'district', 2, 'Ат-Башы району',     'Ат-Башинский район',       'At-Bashy District'),
    ('KG-N', 'KG-N-JUMGAL',       'district', 3, 'Жумгал району',      'Жумгальский район',        'Jumgal District'),
    ('KG-N', 'KG-N-KOCHKOR',      'district', 4, 'Кочкор району',      'Кочкорский район',         'Kochkor District'),
    ('KG-N', 'KG-N-NARYN',        'district', 5, 'Нарын району',       'Нарынский район',          'Naryn District'),
    ('KG-N', 'KG-N-C-NARYN',      'city',     6, 'Нарын шаары',        'город Нарын',              'Naryn city'),
    -- Osh Region
    ('KG-O', 'KG-O-ALAY',         'district', 1, 'Алай району',        'Алайский район',           'Alay District'),
    ('KG-O', 'KG-O-ARAVAN',       'district', 2, 'Араван району',      'Араванский район',         'Aravan District'),
    ('KG-O', 'KG-O-KARAKULJA',    'district', 3, 'Кара-Кулжа району',  'Кара-Кульджинский район',  'Kara-Kulja District'),
    ('KG-O', 'KG-O-KARASUU',      'district', 4, 'Кара-Суу району',    'Кара-Суйский район',       'Kara-Suu District'),
    ('KG-O', 'KG-O-NOOKAT',       'district', 5, 'Ноокат району',      'Ноокатский район',         'Nookat District'),
    ('KG-O', 'KG-O-OZGON',        'district', 6, 'Өзгөн району',       'Узгенский район',          'Özgön District'),
    ('KG-O', 'KG-O-CHONGALAY',    'district', 7, 'Чоң-Алай району',    'Чон-Алайский район',       'Chong-Alay District'),
    -- Talas Region
    ('KG-T', 'KG-T-BAKAYATA',     'district', 1, 'Бакай-Ата району',   'Бакай-Атинский район',     'Bakay-Ata District'),
    ('KG-T', 'KG-T-KARABUURA',    'district', 2, 'Кара-Буура району',  'Кара-Бууринский район',    'Kara-Buura District'),
    ('KG-T', 'KG-T-MANAS',        'district', 3, 'Манас району',       'Манасский район',          'Manas District'),
    ('KG-T', 'KG-T-TALAS',        'district', 4, 'Талас району',       'Таласский район',          'Talas District'),
    ('KG-T', 'KG-T-C-TALAS',      'city',     5, 'Талас шаары',        'город Талас',              'Talas city'),
    -- Issyk-Kul Region
    ('KG-Y', 'KG-Y-AKSUU',        'district', 1, 'Ак-Суу району',      'Ак-Суйский район',         'Ak-Suu District'),
    ('KG-Y', 'KG-Y-JETIOGUZ',     'district', 2, 'Жети-Өгүз району',   'Джети-Огузский район',     'Jeti-Ögüz District'),
    ('KG-Y', 'KG-Y-YSYKKOL',      'district', 3, 'Ысык-Көл району',    'Иссык-Кульский район',     'Issyk-Kul District'),
    ('KG-Y', 'KG-Y-TON',          'district', 4, 'Тоң району',         'Тонский район',            'Ton District'),
    ('KG-Y', 'KG-Y-TUP',          'district', 5, 'Түп району',         'Тюпский район',            'Tüp District'),
    ('KG-Y', 'KG-Y-C-KARAKOL',    'city',     6, 'Каракол шаары',      'город Каракол',            'Karakol city'),
    ('KG-Y', 'KG-Y-C-BALYKCHY',   'city',     7, 'Балыкчы шаары',      'город Балыкчы',            'Balykchy city')
) AS v (parent_code, code, level, ord, ky, ru, en)
JOIN locations p ON p.code = v.parent_code;
