-- The real national bodies (DESIGN §2), and one family and child support unit
-- (үй-бүлөнү жана балдарды колдоо бөлүмү / отдел поддержки семьи и детей) of the
-- social-development office of every district, city of regional significance and
-- Osh City: a case lands in the unit of the child's territory, so every territory
-- needs one from the start. Local providers (centers, schools, NGOs) are not
-- seeded here: they are entered by the admin (demo data adds some).

INSERT INTO agencies (code, kind, parent_id, location_id, name_ky, name_ru, name_en, services)
SELECT v.code, v.kind, NULL, (SELECT id FROM locations WHERE code = 'KG'), v.ky, v.ru, v.en, v.services::text[]
FROM (VALUES
    ('MLSSM', 'ministry',
     'Кыргыз Республикасынын Эмгек, социалдык камсыздоо жана миграция министрлиги',
     'Министерство труда, социального обеспечения и миграции Кыргызской Республики',
     'Ministry of Labour, Social Security and Migration of the Kyrgyz Republic', '{}'),
    ('GPO', 'prosecutor',
     'Кыргыз Республикасынын Башкы прокуратурасы',
     'Генеральная прокуратура Кыргызской Республики',
     'Prosecutor General''s Office of the Kyrgyz Republic', '{law_enforcement}'),
    ('MIA', 'police',
     'Кыргыз Республикасынын Ички иштер министрлиги',
     'Министерство внутренних дел Кыргызской Республики',
     'Ministry of Internal Affairs of the Kyrgyz Republic', '{law_enforcement}')
) AS v (code, kind, ky, ru, en, services);

INSERT INTO agencies (code, kind, parent_id, location_id, name_ky, name_ru, name_en)
VALUES ('LABOR-INSPECTION', 'labor_inspectorate',
        (SELECT id FROM agencies WHERE code = 'MLSSM'),
        (SELECT id FROM locations WHERE code = 'KG'),
        'Эмгек мыйзамдарын көзөмөлдөө кызматы',
        'Служба по надзору за соблюдением трудового законодательства',
        'Labour Law Inspection Service');

INSERT INTO agencies (code, kind, parent_id, location_id, name_ky, name_ru, name_en, services)
SELECT 'CSU-' || l.code, 'child_support_unit', (SELECT id FROM agencies WHERE code = 'MLSSM'), l.id,
       l.name_ky || ' — үй-бүлөнү жана балдарды колдоо бөлүмү',
       'Отдел поддержки семьи и детей — ' || l.name_ru,
       'Family and Child Support Unit — ' || l.name_en,
       '{family_support}'
FROM locations l
WHERE l.level IN ('district', 'city') OR l.code = 'KG-GO'
ORDER BY l.path;
