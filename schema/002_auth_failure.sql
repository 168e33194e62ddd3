-- 002_auth_failure.sql - failed logins per user and source, for the lockout.
--
-- A row counts failures of one user name from one client address within a
-- window; once the count reaches the limit, further attempts are refused
-- without checking the password until the window has passed. Kept in the
-- database so every hub node sees the same count.

CREATE TABLE auth_failure (
  username     VARCHAR(64)  NOT NULL,
  source       VARCHAR(64)  NOT NULL COMMENT 'client address',
  window_start DATETIME(6)  NOT NULL,
  failures     INT          NOT NULL,
  PRIMARY KEY (username, source),
  KEY ix_auth_failure_window (window_start),
  CONSTRAINT ck_auth_failure CHECK (failures >= 0)
) ENGINE=InnoDB;
