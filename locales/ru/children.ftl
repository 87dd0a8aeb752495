nav-children = Дети
children-title = Дети
children-all = ← Все дети
children-search = Найти
children-search-name = Имя (в любом написании)
children-search-hint = Ищите по фамилии или имени кириллицей или латиницей и/или по дате рождения. Показываются только дети вашей территории.
child-years = { $count ->
    [one] { $count } год
    [few] { $count } года
    [many] { $count } лет
   *[other] { $count } года
}
child-register = Зарегистрировать ребёнка
child-record = Карточка ребёнка
child-edit = Исправить карточку ребёнка
child-name = Имя
child-family-name = Фамилия
child-given-name = Имя
child-patronymic = Отчество
child-sex = Пол
child-birth-date = Дата рождения
child-age = Возраст
child-age-estimated = Или: примерный возраст (лет)
child-age-hint = Только если дата рождения неизвестна; в карточке будет отмечено, что дата примерная.
child-estimated = примерно
child-personal-number = Персональный номер (ПИН)
child-personal-number-hint = 14 цифр, если у ребёнка он есть; должен совпадать с полом и датой рождения.
child-home = Территория проживания
child-guardian = Родитель или опекун
child-guardian-contact = Телефон или адрес опекуна
child-language = Язык
child-school-status = Школа
child-disability = Инвалидность
child-registered = Зарегистрирован
child-view-logged = Ваш просмотр этой карточки записан в журнал аудита.
child-duplicates-title = Возможно, этот ребёнок уже зарегистрирован
child-duplicates-body = У этих детей вашей территории похожее имя и та же дата рождения, место проживания или персональный номер. Откройте карточку, если это тот же ребёнок; новую карточку создавайте, только если это не так.
child-same-number = тот же ПИН
child-open-this = Это тот ребёнок
child-register-anyway = Никто из них: зарегистрировать нового ребёнка
flash-child-registered = Ребёнок зарегистрирован.
flash-child-saved = Карточка ребёнка исправлена.

sex-female = Девочка
sex-male = Мальчик
child-language-ky = Кыргызский
child-language-ru = Русский
child-language-uz = Узбекский
child-language-tg = Таджикский
child-language-other = Другой
school-status-enrolled = Посещает школу
school-status-irregular = Посещает нерегулярно
school-status-out-of-school = Бросил(а) школу
school-status-never-enrolled = Никогда не учился(ась)
disability-none = Не известно
disability-physical = Физическая
disability-sensory = Сенсорная (зрение, слух)
disability-intellectual = Интеллектуальная
disability-psychosocial = Психосоциальная
disability-multiple = Множественная

error-pin-format = Персональный номер — это 14 цифр, начиная с 1 или 2.
error-pin-date = Дата рождения в этом персональном номере не является реальной прошедшей датой.
error-pin-sex-mismatch = Этот персональный номер принадлежит человеку другого пола.
error-pin-birth-mismatch = В этом персональном номере другая дата рождения.
error-pin-taken = Ребёнок с этим персональным номером уже зарегистрирован. Найдите его через поиск или обратитесь к руководителю.
error-birth-or-age = Укажите дату рождения или, если она неизвестна, примерный возраст.
error-age-format = Укажите возраст целым числом лет.
error-child-adult = Человеку 18 лет или больше: в Коргоо регистрируются только дети.
error-date-in-future = Эта дата ещё не наступила.
error-territory-outside-scope = Вы можете регистрировать только детей своей территории.
error-search-empty = Введите имя или дату рождения.

audit-action-child-created = Ребёнок зарегистрирован
audit-action-child-updated = Карточка ребёнка исправлена
audit-action-child-viewed = Просмотр карточки ребёнка
audit-action-child-search = Поиск детей
audit-target-child = Ребёнок
home-card-children = Регистрация детей, поиск в любом написании, карточки детей.
child-merge-title = Записи, которые могут относиться к этому же ребёнку
child-merge-lead = Если одна из этих записей — тот же ребёнок, объедините эту запись с ней: дела перейдут в сохраняемую запись, а эта запись будет ссылаться на неё. Сначала проверьте имена, даты и родителя или опекуна.
child-merge-confirm = Я проверил(а): это тот же ребёнок
child-merge-into = Объединить эту запись с той
flash-child-merged = Записи объединены; это сохранённая запись.
error-merge-confirm = Отметьте, что вы проверили: это тот же ребёнок.
error-merge-numbers = У записей разные персональные номера: это два разных ребёнка.
error-merge-changed = Одна из записей тем временем изменилась; ничего не объединено. Проверьте ещё раз и повторите.
audit-action-child-merged = Записи о ребёнке объединены
