app-name = Коргоо
footer-text = Коргоо — Кыргыз Республикасынын балдар эмгеги боюнча иштерди көзөмөлдөө системасы. Жеке маалыматтар мыйзам менен корголот; баланын ишин ар бир көрүү катталат.

nav-skip = Мазмунга өтүү
nav-label = Башкы меню
nav-home = Башкы бет
nav-admin = Башкаруу
nav-language = Тил
nav-password = Сырсөздү өзгөртүү
nav-logout = Чыгуу

lang-ky = Кыргызча
lang-ru = Русский
lang-en = English

save = Сактоо
choose = — тандаңыз —
value-none = жок
value-whole-country = бүт өлкө
form-has-errors = Айрым талааларды текшериңиз. Киргизгениңиз формада сакталды; белгиленген талааларды оңдоп, кайра сактаңыз.

filter-any = баары
filter-apply = Көрсөтүү
filter-login = Логиндин башы
filter-from = Башталыш күнү
filter-to = Акыркы күнү
list-empty = Эч нерсе табылган жок.
# An empty part of a record or of a home page (not a search that found nothing).
section-empty = Азырынча жок.
list-next = Кийинки бет →

status-active = Активдүү
status-inactive = Өчүрүлгөн
status-locked = Бөгөттөлгөн
status-must-change = Сырсөздү алмаштырышы керек

conflict-title = Сиз оңдоп жатканда бул жазууну башка колдонуучу сактады
conflict-body = Эч нерсе сакталган жок. Анын версиясы ушул жерде көрсөтүлдү; сиздин өзгөртүүлөрүңүз төмөнкү формада калды. Анын версиясын өзүңүздүкү менен алмаштыруу үчүн кайра сактаңыз.
unsaved-input = Сиз жазгандар (сакталган жок)
conflict-theirs = Башка колдонуучу сактаган

flash-password-changed = Сырсөзүңүз өзгөртүлдү. Каттоо эсебиңиздин башка сеанстары жабылды.
flash-user-created = { $name } колдонуучусу түзүлдү. Биринчи киргенде ал жаңы сырсөз тандашы керек.
flash-user-saved = { $name } колдонуучусунун өзгөртүүлөрү сакталды.
flash-password-reset = { $name } үчүн убактылуу сырсөз коюлду; анын сеанстары жабылды.
flash-user-deactivated = { $name } өчүрүлдү, анын сеанстары жабылды.
flash-user-activated = { $name } кайра кире алат.
flash-user-unlocked = { $name } бөгөттөн чыгарылды.
flash-agency-saved = Мекеме сакталды.

error-go-home = Башкы бетке өтүү
error-not-found-title = Бет табылган жок
error-not-found-body = Мындай бет жок, же мындай жазуу жок.
error-forbidden-title = Кирүүгө уруксат жок
error-forbidden-body = Сиздин ролуңуз бул бетке же жазууга укук бербейт. Эгер ал ишиңизге керек болсо, администраторго кайрылыңыз.
error-csrf-title = Форманын мөөнөтү бүттү
error-csrf-body = Коопсуздугуңуз үчүн эч нерсе өзгөргөн жок. Артка кайтып, бетти жаңылап, форманы кайра жөнөтүңүз.
error-bad-request-title = Суроо-талап түшүнүксүз
error-bad-request-body = Эч нерсе өзгөргөн жок. Артка кайтып, кайра аракет кылыңыз.
error-too-large-title = Маалымат өтө көп
error-too-large-body = Жөнөтүлгөн форма уруксат берилгенден чоң. Эч нерсе өзгөргөн жок.
error-rate-limited-title = Аракеттер өтө көп
error-rate-limited-body = Кайра аракет кылуудан мурун бир мүнөт күтө туруңуз.
error-unavailable-title = Убактылуу жеткиликсиз
error-unavailable-body = Маалымат базасына азыр туташуу мүмкүн эмес. Эч нерсе жоголгон жок; бир мүнөттөн кийин кайра аракет кылыңыз.
error-internal-title = Бир нерсе туура эмес болду
error-internal-body = Ката катталды. Эч нерсе өзгөргөн жок; кайра аракет кылыңыз, ката кайталанса администраторго кабарлаңыз.

error-required = Бул талааны толтуруу милдеттүү.
error-too-long = Өтө узун.
error-control-characters = Сактоого мүмкүн болбогон белгилер бар (башкаруучу белгилер).
error-not-a-number = Бүтүн сан киргизиңиз.
error-number-out-of-range = Сан уруксат берилген чектен тышкары.
error-invalid-choice = Сунушталган варианттардын бирин тандаңыз.
error-date-format = Күндү кк.аа.жжжж түрүндө киргизиңиз.
error-range-reversed = Акыркы күн башталыш күнүнөн мурун.
error-money-negative = Сумма терс боло албайт.
error-money-format = Сумманы сан менен жазыңыз, мисалы 1500 же 1500,50.
error-money-cents = Үтүрдөн кийин эки гана сан (тыйын).
error-money-too-large = Сумма өтө чоң; текшериңиз.
error-money-zero = Сумма нөлдөн чоң болушу керек.
footer-public = Жалпыга ачык көрсөткүчтөр
entered-later = { $days ->
   *[other] { $days } күндөн кийин киргизилген
}
error-invisible-characters = Атта көрүнбөгөн белгилер бар (мисалы, нөл туурасындагы боштук же жазуунун багытын өзгөрткөн белги). Атты кайра териңиз.
error-timeout-title = Суроо өтө жай келди
error-timeout-body = Форманын маалыматтары белгиленген убакытта келген жок, эч нерсе сакталган жок. Байланышты текшерип, кайра жөнөтүңүз.
nav-second-factor = Экинчи фактор
