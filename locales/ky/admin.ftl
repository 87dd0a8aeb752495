admin-users-title = Колдонуучулар
admin-agencies-title = Мекемелер
admin-audit-title = Аудит журналы
admin-audit-lead = Ар бир кирүү, өзгөртүү жана жеке маалыматтарды көрүү, жаңылары биринчи. Бул жазууларды эч ким өзгөртө же өчүрө албайт.
admin-user-new = Жаңы колдонуучу
admin-user-edit = Колдонуучу { $name }
admin-back-to-users = ← Бардык колдонуучулар
admin-user-account = Каттоо эсеби
admin-user-reset-password = Жаңы убактылуу сырсөз
admin-user-reset-hint = Кийинки киргенде колдонуучу өз сырсөзүн тандашы керек болот; анын бардык сеанстары азыр жабылат.
admin-user-reset-submit = Убактылуу сырсөз коюу
admin-user-unlock = Бөгөттөн чыгаруу
admin-user-deactivate = Өчүрүү
admin-user-activate = Кайра иштетүү
admin-user-history = Бул колдонуучунун аудит журналындагы тарыхы
admin-agency-new = Жаңы мекеме
admin-back-to-agencies = ← Бардык мекемелер
users-count = { $count ->
    [one] { $count } колдонуучу
   *[other] { $count } колдонуучу
}

user-login = Логин
user-login-hint = 3–64 белги: латын тамгалары, сандар, чекит, дефис, астынкы сызык.
user-display-name = Аты-жөнү
user-role = Ролу
user-agency = Мекеме
user-agency-hint = Администратор менен кызмат адамынан башка бардык ролдор үчүн милдеттүү; мекеменин түрү ролго туура келиши керек.
user-territory = Аймак
user-territory-from-agency = — мекеменин аймагы —
user-language = Тил
user-status = Абалы
user-last-login = Акыркы кирүү
user-initial-password = Убактылуу сырсөз
user-initial-password-hint = Кеминде { $min } белги. Колдонуучу биринчи киргенде аны алмаштырышы керек; сырсөздү ага жеке бериңиз.

error-login-format = 3–64 латын тамгасын, санды, чекитти, дефисти же астынкы сызыкты колдонуңуз.
error-login-taken = Бул логин ээленген.
error-agency-required = Бул ролго мекеме керек.
error-agency-wrong-kind = Бул мекеменин түрү ролго туура келбейт.
error-agency-inactive = Бул мекеме өчүрүлгөн.
error-territory-outside-agency = Аймак мекеменин аймагынын ичинде болушу керек.
error-cannot-demote-self = Өз каттоо эсебиңизден администратор ролун ала албайсыз.

agency-name = Аталышы
agency-name-ky = Кыргызча аталышы
agency-name-ru = Орусча аталышы
agency-name-en = Англисче аталышы
agency-kind = Түрү
agency-territory = Аймак
agency-services = Көрсөтүлүүчү кызматтар
agency-capacity = Сыйымдуулугу
agency-capacity-hint = Бир убакта канча балага кызмат көрсөтө алат; тиешеси жок болсо бош калтырыңыз.
agency-contact = Байланыш
agency-active = Активдүү (колдонуучулары болуп, жолдомо ала алат)

audit-when = Качан
audit-actor = Ким
audit-address = Кайдан
audit-action = Аракет
audit-target = Жазуу
audit-target-id = Жазуунун номери
audit-details = Кеңири маалымат
audit-nobody = — (системага кире элек)

role-admin = Администратор
role-inspector = Эмгек инспектору
role-case-worker = Социалдык кызматкер
role-supervisor = Бөлүм башчысы
role-service-provider = Кызмат көрсөтүүчү
role-prosecutor = Прокурор
role-police = Милиция кызматкери
role-official = Кызмат адамы

agency-kind-ministry = Министрлик
agency-kind-labor-inspectorate = Эмгек инспекциясы
agency-kind-child-support-unit = Үй-бүлөнү жана балдарды колдоо бөлүмү
agency-kind-rehabilitation-center = Реабилитациялык борбор
agency-kind-school = Мектеп
agency-kind-catch-up-program = Окуудан артта калган балдар үчүн программа
agency-kind-clinic = Медициналык мекеме
agency-kind-shelter = Баш калкалоочу жай
agency-kind-ngo = Коммерциялык эмес уюм
agency-kind-prosecutor = Прокуратура
agency-kind-police = Ички иштер органдары

service-rehabilitation = Реабилитация
service-catch-up-education = Артта калган окууну толуктоо
service-school-enrolment = Мектепке кабыл алуу
service-medical = Медициналык жардам
service-psychosocial = Психосоциалдык колдоо
service-shelter = Убактылуу баш калкалоо
service-legal-aid = Юридикалык жардам
service-family-support = Үй-бүлөнү колдоо
service-law-enforcement = Укук коргоо органдары

audit-action-login-ok = Кирүү
audit-action-login-failed = Ийгиликсиз кирүү
audit-action-login-locked = Кирүү аракеттери кечиктирилди
audit-action-logout = Чыгуу
audit-action-password-changed = Сырсөз өзгөртүлдү
audit-action-password-change-failed = Сырсөздү өзгөртүүдө учурдагы сырсөз туура эмес терилди
audit-action-password-reset = Убактылуу сырсөз коюлду
audit-action-user-created = Колдонуучу түзүлдү
audit-action-user-updated = Колдонуучу өзгөртүлдү
audit-action-user-deactivated = Колдонуучу өчүрүлдү
audit-action-user-activated = Колдонуучу кайра иштетилди
audit-action-agency-created = Мекеме түзүлдү
audit-action-agency-updated = Мекеме өзгөртүлдү

audit-target-user = Колдонуучу
audit-target-agency = Мекеме

# Эмгек инспекторунун кызматы (18-маселе).
admin-posts-title = Эмгек инспекторунун кызматы
admin-posts-hint = Бул адам эмгек инспектору болуп иштеген мезгилдер жана кайсы инспекцияда. Мыйзамдарды колдонуу боюнча отчёт эмгек инспекторлорун ушул мезгилдер боюнча эсептейт, ошондуктан кызматты бүгүн аяктоо өткөн жылдарды өзгөртпөйт. Кызмат аяктайт, бирок өчүрүлбөйт; колдонуучуну өчүрүү ачык кызматты ошол күнү аяктайт, ал эми кайра иштетүү жаңы кызмат ачпайт.
admin-posts-none = Эмгек инспекторунун кызматы катталган эмес.
admin-posts-office = Инспекция
admin-posts-from = Башталышы
admin-posts-to = Аягы
admin-posts-in-post = кызматта
admin-posts-open-from = Кызматтагы биринчи күнү
admin-posts-open-submit = Кызматты ачуу
admin-posts-end-on = Кызматтагы акыркы күнү
admin-posts-end-submit = Кызматты аяктоо
user-inspects = Текшерүү жүргүзөт (эмгек инспекторунун кызматы ачылат)
user-inspects-hint = Текшерүү жүргүзгөн эмгек инспекциясынын башчысы үчүн: эмгек инспекторунун кызматы бүгүндөн тартып ачылат. Инспектордун кызматы дайыма бүгүндөн тартып ачылат.
error-post-not-inspector = Эмгек инспекторунун кызматында инспектор же эмгек инспекциясынын башчысы гана боло алат.
error-post-account-inactive = Колдонуучу өчүрүлгөн: адегенде аны кайра иштетиңиз.
error-post-office-kind = Эмгек инспекциясын тандаңыз.
error-post-overlap = Бул күнү адам буга чейин эле кызматта: кызмат мезгилдери бири-бири менен кесилишпеши керек.
error-post-end-before-start = Акыркы күнү кызматтагы биринчи күндөн мурун.
error-post-changed = Бул кызматты ушул убакта башка бирөө өзгөрттү: аны кайра карап чыгыңыз.
flash-post-opened = Эмгек инспекторунун кызматы ачылды.
flash-post-ended = Эмгек инспекторунун кызматы аяктады.
audit-action-inspector-post-opened = Эмгек инспекторунун кызматы ачылды
audit-action-inspector-post-ended = Эмгек инспекторунун кызматы аяктады
audit-action-access-refused = Кирүүдөн баш тартылды
