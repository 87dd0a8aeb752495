login-title = Sign in
login-lead = Korgoo is for the staff of labour inspection, child support units, service providers and law enforcement.
login-login = Login
login-password = Password
login-submit = Sign in
login-failed = Sign-in failed. Check your login and password. After 5 failed attempts each further attempt must wait longer, up to 15 minutes; on a computer where you have signed in before, only your own failed attempts count.
login-help = Forgot your password? Your administrator can set a temporary one.

password-title = Change password
password-forced = Your administrator set a temporary password. Choose your own before you continue.
password-rules = Use at least { $min } characters. A long phrase you can remember is best; very common passwords and your login are not accepted.
password-current = Current password
password-new = New password
password-confirm = New password again
password-submit = Change password

error-password-too-short = The password needs at least 12 characters.
error-password-too-long = The password may have at most 128 characters.
error-password-common = This password is too common. Choose a longer phrase of your own.
error-password-contains-login = The password must not contain the login.
error-password-mismatch = The two passwords differ.
error-password-wrong-current = The current password is not correct.
error-password-wait = Too many wrong passwords. Wait a few minutes and try again.
error-password-unchanged = The new password must differ from the current one.
login-public = Public figures on child labour (no sign-in needed)
error-password-published = This password is published (for the demo) and cannot be used. Choose another.
