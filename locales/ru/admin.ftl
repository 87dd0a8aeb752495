admin-users-title = Пользователи
admin-agencies-title = Организации
admin-audit-title = Журнал аудита
admin-audit-lead = Каждый вход, изменение и просмотр персональных данных, сначала новые. Никто не может изменить или удалить эти записи.
admin-user-new = Новый пользователь
admin-user-edit = Пользователь { $name }
admin-back-to-users = ← Все пользователи
admin-user-account = Учётная запись
admin-user-reset-password = Новый временный пароль
admin-user-reset-hint = При следующем входе пользователь должен будет выбрать свой пароль; все его сеансы завершаются сейчас.
admin-user-reset-submit = Установить временный пароль
admin-user-unlock = Разблокировать
admin-user-deactivate = Отключить
admin-user-activate = Включить снова
admin-user-history = История пользователя в журнале аудита
admin-agency-new = Новая организация
admin-back-to-agencies = ← Все организации
users-count = { $count ->
    [one] { $count } пользователь
    [few] { $count } пользователя
    [many] { $count } пользователей
   *[other] { $count } пользователя
}

user-login = Логин
user-login-hint = 3–64 символа: латинские буквы, цифры, точка, дефис, подчёркивание.
user-display-name = Имя
user-role = Роль
user-agency = Организация
user-agency-hint = Обязательна для всех ролей, кроме администратора и должностного лица; вид организации должен соответствовать роли.
user-territory = Территория
user-territory-from-agency = — территория организации —
user-language = Язык
user-status = Статус
user-last-login = Последний вход
user-initial-password = Временный пароль
user-initial-password-hint = Не менее { $min } { $min ->
    [one] символа
   *[other] символов
}. При первом входе пользователь должен его заменить; передайте пароль лично.

error-login-format = Используйте 3–64 латинские буквы, цифры, точки, дефисы или подчёркивания.
error-login-taken = Этот логин уже занят.
error-agency-required = Для этой роли нужна организация.
error-agency-wrong-kind = Вид этой организации не соответствует роли.
error-agency-inactive = Эта организация отключена.
error-territory-outside-agency = Территория должна входить в территорию организации.
error-cannot-demote-self = Нельзя снять роль администратора со своей учётной записи.

agency-name = Название
agency-name-ky = Название на кыргызском
agency-name-ru = Название на русском
agency-name-en = Название на английском
agency-kind = Вид
agency-territory = Территория
agency-services = Оказываемые услуги
agency-capacity = Вместимость
agency-capacity-hint = Сколько детей может обслуживать одновременно; оставьте пустым, если не применимо.
agency-contact = Контакты
agency-active = Активна (может иметь пользователей и получать направления)

audit-when = Когда
audit-actor = Кто
audit-address = Откуда
audit-action = Действие
audit-target = Запись
audit-target-id = Номер записи
audit-details = Подробности
audit-nobody = — (не вошёл в систему)

role-admin = Администратор
role-inspector = Инспектор труда
role-case-worker = Социальный работник
role-supervisor = Руководитель отдела
role-service-provider = Поставщик услуг
role-prosecutor = Прокурор
role-police = Сотрудник милиции
role-official = Должностное лицо

agency-kind-ministry = Министерство
agency-kind-labor-inspectorate = Инспекция труда
agency-kind-child-support-unit = Отдел поддержки семьи и детей
agency-kind-rehabilitation-center = Реабилитационный центр
agency-kind-school = Школа
agency-kind-catch-up-program = Программа догоняющего обучения
agency-kind-clinic = Медицинское учреждение
agency-kind-shelter = Приют
agency-kind-ngo = НКО
agency-kind-prosecutor = Прокуратура
agency-kind-police = Органы внутренних дел

service-rehabilitation = Реабилитация
service-catch-up-education = Догоняющее обучение
service-school-enrolment = Зачисление в школу
service-medical = Медицинская помощь
service-psychosocial = Психосоциальная поддержка
service-shelter = Временное убежище
service-legal-aid = Юридическая помощь
service-family-support = Поддержка семьи
service-law-enforcement = Правоохранительные органы

audit-action-login-ok = Вход
audit-action-login-failed = Неудачный вход
audit-action-login-locked = Попытки входа отложены
audit-action-logout = Выход
audit-action-password-changed = Пароль изменён
audit-action-password-change-failed = Неверный текущий пароль при его смене
audit-action-password-reset = Установлен временный пароль
audit-action-user-created = Пользователь создан
audit-action-user-updated = Пользователь изменён
audit-action-user-deactivated = Пользователь отключён
audit-action-user-activated = Пользователь включён
audit-action-agency-created = Организация создана
audit-action-agency-updated = Организация изменена

audit-target-user = Пользователь
audit-target-agency = Организация

# Должности инспекторов труда (задача 18).
admin-posts-title = Должность инспектора труда
admin-posts-hint = Периоды, в которые этот человек был инспектором труда, и в какой инспекции. Отчёт о правоприменении считает инспекторов труда по этим периодам, поэтому завершение должности сегодня не меняет прошлые годы. Должность завершается, но не удаляется; отключение учётной записи завершает открытую должность в этот день, а повторное включение новой не открывает.
admin-posts-none = Должность инспектора труда не записана.
admin-posts-office = Инспекция
admin-posts-from = С
admin-posts-to = По
admin-posts-in-post = в должности
admin-posts-open-from = Первый день в должности
admin-posts-open-submit = Открыть должность
admin-posts-end-on = Последний день в должности
admin-posts-end-submit = Завершить должность
user-inspects = Проводит проверки (открывается должность инспектора труда)
user-inspects-hint = Для руководителя инспекции труда, который проводит проверки: должность инспектора труда открывается с сегодняшнего дня. Должность инспектора открывается с сегодняшнего дня всегда.
error-post-not-inspector = Должность инспектора труда может занимать только инспектор или руководитель инспекции труда.
error-post-account-inactive = Учётная запись отключена: сначала включите её.
error-post-office-kind = Выберите инспекцию труда.
error-post-overlap = В этот день человек уже в должности: периоды не могут пересекаться.
error-post-end-before-start = Последний день раньше первого дня в должности.
error-post-changed = Кто-то уже изменил эту должность: посмотрите её ещё раз.
flash-post-opened = Должность инспектора труда открыта.
flash-post-ended = Должность инспектора труда завершена.
audit-action-inspector-post-opened = Открыта должность инспектора труда
audit-action-inspector-post-ended = Завершена должность инспектора труда
audit-action-access-refused = Отказано в доступе
audit-action-second-factor-enrolled = Второй фактор подключён
audit-action-second-factor-ok = Верный код второго фактора при входе
audit-action-second-factor-failed = Неверный код второго фактора при входе
audit-action-recovery-code-used = Использован код восстановления
audit-action-recovery-codes-renewed = Коды восстановления заменены
audit-action-second-factor-reset = Второй фактор сброшен администратором
user-second-factor = Второй фактор
user-second-factor-since = подключён с { $date }
user-second-factor-none = не подключён
admin-second-factor-reset = Сбросить второй фактор
admin-second-factor-reset-hint = Если пользователь потерял телефон: его сеансы завершатся, и при следующем входе он подключит второй фактор заново.
flash-second-factor-reset = Второй фактор пользователя { $name } сброшен.

admin-releases-title = Выпуски открытых данных
admin-releases-lead = Открытые страницы и данные показывают последний выпуск. Опубликуйте годовой выпуск за год, когда отправлен его отчёт; если записи этого года потом исправят, опубликуйте его снова: выйдет новая редакция, а прежняя останется как была.
release-schedule-monthly = Предварительные данные публикуются автоматически в первый день каждого месяца.
release-schedule-weekly = Предварительные данные публикуются автоматически каждый понедельник.
release-schedule-daily = Предварительные данные публикуются автоматически каждый день.
release-schedule-off = Предварительные данные публикуются только когда вы публикуете их здесь.
admin-release-annual = Годовой выпуск
admin-release-annual-hint = Показатели года становятся окончательными. Уже опубликованный год получает новую редакцию.
admin-release-next-revision = будет редакция { $revision }
admin-release-note-hint = Что это за выпуск, а для новой редакции — что исправлено. Примечание видно всем.
admin-release-confirm = Я проверил(а) показатели года: опубликовать их как окончательные.
admin-release-publish = Опубликовать
admin-release-provisional = Предварительные данные сейчас
admin-release-provisional-hint = Публикует показатели неокончательных лет, не дожидаясь расписания, например после большого исправления.
error-release-year = Выберите завершившийся год.
error-release-kind = Выберите, что публиковать.
error-release-note-long = Примечание слишком длинное (не больше 2 000 знаков).
error-release-note-required = Напишите, что это за выпуск, а для новой редакции — что изменилось.
error-release-confirm = Подтвердите, что показатели публикуются как окончательные.
flash-release-published = Выпуск № { $name } опубликован.
