app-name = Коргоо
footer-text = Коргоо — система мониторинга случаев детского труда Кыргызской Республики. Персональные данные охраняются законом; каждый просмотр дела ребёнка записывается.

nav-skip = Перейти к содержанию
nav-label = Главное меню
nav-home = Главная
nav-admin = Администрирование
nav-language = Язык
nav-password = Сменить пароль
nav-logout = Выйти

lang-ky = Кыргызча
lang-ru = Русский
lang-en = English

save = Сохранить
choose = — выберите —
value-none = нет
value-whole-country = вся страна
form-has-errors = Некоторые поля требуют внимания. Введённые данные сохранены в форме; исправьте отмеченные поля и сохраните снова.

filter-any = любой
filter-apply = Показать
filter-login = Логин начинается с
filter-from = С
filter-to = По
list-empty = Ничего не найдено.
# An empty part of a record or of a home page (not a search that found nothing).
section-empty = Пока нет.
list-next = Следующая страница →

status-active = Активен
status-inactive = Отключён
status-locked = Заблокирован
status-must-change = Должен сменить пароль

conflict-title = Пока вы редактировали, эту запись сохранил другой пользователь
conflict-body = Ничего не сохранено. Здесь показана его версия; ваши изменения остались в форме ниже. Сохраните ещё раз, чтобы заменить его версию своей.
unsaved-input = Что вы ввели (не сохранено)
conflict-theirs = Сохранено другим пользователем

flash-password-changed = Пароль изменён. Другие сеансы вашей учётной записи завершены.
flash-user-created = Пользователь { $name } создан. При первом входе он должен выбрать новый пароль.
flash-user-saved = Изменения пользователя { $name } сохранены.
flash-password-reset = Для { $name } установлен временный пароль; его сеансы завершены.
flash-user-deactivated = Пользователь { $name } отключён, его сеансы завершены.
flash-user-activated = Пользователь { $name } снова может входить.
flash-user-unlocked = Пользователь { $name } разблокирован.
flash-agency-saved = Организация сохранена.

error-go-home = На главную страницу
error-not-found-title = Страница не найдена
error-not-found-body = Такой страницы нет, или запись не существует.
error-forbidden-title = Доступ запрещён
error-forbidden-body = Ваша роль не даёт доступа к этой странице или записи. Если она нужна вам для работы, обратитесь к администратору.
error-csrf-title = Срок действия формы истёк
error-csrf-body = Для вашей безопасности ничего не изменено. Вернитесь, обновите страницу и отправьте форму ещё раз.
error-bad-request-title = Запрос не удалось понять
error-bad-request-body = Ничего не изменено. Вернитесь и попробуйте ещё раз.
error-too-large-title = Слишком много данных
error-too-large-body = Отправленная форма больше допустимого размера. Ничего не изменено.
error-rate-limited-title = Слишком много попыток
error-rate-limited-body = Подождите минуту и попробуйте снова.
error-unavailable-title = Временно недоступно
error-unavailable-body = База данных сейчас недоступна. Ничего не потеряно; попробуйте через минуту.
error-internal-title = Что-то пошло не так
error-internal-body = Ошибка записана. Ничего не изменено; попробуйте ещё раз и сообщите администратору, если ошибка повторится.

error-required = Обязательное поле.
error-too-long = Слишком длинное значение.
error-control-characters = Значение содержит символы, которые нельзя сохранить (управляющие символы).
error-not-a-number = Введите целое число.
error-number-out-of-range = Число вне допустимого диапазона.
error-invalid-choice = Выберите один из предложенных вариантов.
error-date-format = Введите дату в виде дд.мм.гггг.
error-range-reversed = Дата окончания раньше даты начала.
error-money-negative = Сумма не может быть отрицательной.
error-money-format = Укажите сумму цифрами, например 1500 или 1500,50.
error-money-cents = Не более двух цифр после запятой (тыйыны).
error-money-too-large = Слишком большая сумма; проверьте её.
error-money-zero = Сумма должна быть больше нуля.
footer-public = Общедоступные показатели
entered-later = { $days ->
    [one] внесено через { $days } день
    [few] внесено через { $days } дня
    [many] внесено через { $days } дней
   *[other] внесено через { $days } дня
}
error-invisible-characters = Имя содержит невидимые символы (например, пробел нулевой ширины или знак смены направления письма). Наберите имя заново.
error-timeout-title = Запрос пришёл слишком медленно
error-timeout-body = Данные формы не пришли вовремя, ничего не сохранено. Проверьте связь и отправьте ещё раз.
nav-second-factor = Второй фактор
