-- 001_core.sql - the data model of EOS Hub, contract version 1.
--
-- Applied by `eosctl migrate` (which records it in schema_migration).
-- Conventions: every table has a primary key (Galera needs it); money is
-- DECIMAL(18,4), quantities DECIMAL(12,3) (exact, like core/money);
-- instants are DATETIME(6) in UTC (the hub sets time_zone = '+00:00');
-- every client-chosen document number is unique per party, which is what makes
-- the creating requests idempotent; content_hash (SHA-256 of the request's
-- canonical content) tells a replay from a conflicting reuse of the number.

-- ------------------------------------------------------------------ parties

CREATE TABLE party (
  party_id     BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  code         VARCHAR(32)  NOT NULL,
  name         VARCHAR(200) NOT NULL,
  kind         ENUM('SELLER','BUYER','OPERATOR') NOT NULL,
  currency     CHAR(3)      NULL COMMENT 'ISO 4217; a seller trades in one currency',
  created_at   DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  UNIQUE KEY uq_party_code (code),
  CONSTRAINT ck_party_code CHECK (code REGEXP '^[A-Za-z0-9._-]{1,32}$'),
  CONSTRAINT ck_party_currency CHECK (kind <> 'SELLER' OR currency REGEXP '^[A-Z]{3}$')
) ENGINE=InnoDB;

-- A buyer's contract with a seller: what makes the buyer a customer, and its credit.
CREATE TABLE customer_account (
  seller_party_id BIGINT        NOT NULL,
  buyer_party_id  BIGINT        NOT NULL,
  credit_limit    DECIMAL(18,4) NULL COMMENT 'NULL: no limit',
  -- The buyer's exposure, kept current by every change that moves it, so the
  -- credit check reads one locked row instead of summing all orders:
  open_order_amount DECIMAL(18,4) NOT NULL DEFAULT 0 COMMENT 'open orders, not yet invoiced',
  receivable_amount DECIMAL(18,4) NOT NULL DEFAULT 0 COMMENT 'invoiced, not yet paid',
  active          BOOLEAN       NOT NULL DEFAULT TRUE,
  created_at      DATETIME(6)   NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (seller_party_id, buyer_party_id),
  KEY ix_account_buyer (buyer_party_id),
  CONSTRAINT fk_account_seller FOREIGN KEY (seller_party_id) REFERENCES party (party_id),
  CONSTRAINT fk_account_buyer FOREIGN KEY (buyer_party_id) REFERENCES party (party_id),
  CONSTRAINT ck_account_credit CHECK (credit_limit IS NULL OR credit_limit >= 0)
) ENGINE=InnoDB;

CREATE TABLE app_user (
  user_id            BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  username           VARCHAR(64)   NOT NULL,
  party_id           BIGINT        NOT NULL,
  role               ENUM('BUYER','SELLER','ADMIN') NOT NULL,
  password_hash      VARCHAR(200)  NOT NULL COMMENT 'pbkdf2-sha256$iter$salt$hash',
  digest_secret      VARBINARY(512) NULL COMMENT 'AES-256-GCM sealed password, for WS-Security PasswordDigest',
  price_authority_bp INT           NOT NULL DEFAULT 0 COMMENT 'percent x 100 a seller user may move a price from list',
  active             BOOLEAN       NOT NULL DEFAULT TRUE,
  password_changed_at DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  created_at         DATETIME(6)   NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  UNIQUE KEY uq_user_name (username),
  CONSTRAINT fk_user_party FOREIGN KEY (party_id) REFERENCES party (party_id),
  CONSTRAINT ck_user_authority CHECK (price_authority_bp BETWEEN 0 AND 10000),
  CONSTRAINT ck_user_name CHECK (CHAR_LENGTH(username) BETWEEN 1 AND 64)
) ENGINE=InnoDB;

-- WS-Security nonces seen recently: a replay within the Created window hits the key.
CREATE TABLE wsse_nonce (
  nonce_hash BINARY(32)  NOT NULL PRIMARY KEY COMMENT 'SHA-256 of username and nonce',
  expires_at DATETIME(6) NOT NULL,
  KEY ix_nonce_expiry (expires_at)
) ENGINE=InnoDB;

-- ------------------------------------------------------------------ catalog

CREATE TABLE category (
  category_id     BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  seller_party_id BIGINT       NOT NULL,
  code            VARCHAR(32)  NOT NULL,
  name            VARCHAR(200) NOT NULL,
  UNIQUE KEY uq_category_code (seller_party_id, code),
  CONSTRAINT fk_category_seller FOREIGN KEY (seller_party_id) REFERENCES party (party_id)
) ENGINE=InnoDB;

CREATE TABLE product (
  product_id      BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  seller_party_id BIGINT        NOT NULL,
  sku             VARCHAR(64)   NOT NULL,
  name            VARCHAR(200)  NOT NULL,
  category_id     BIGINT        NOT NULL,
  uom             VARCHAR(32)   NOT NULL,
  returnable      BOOLEAN       NOT NULL DEFAULT TRUE,
  active          BOOLEAN       NOT NULL DEFAULT TRUE,
  available_qty   DECIMAL(12,3) NOT NULL DEFAULT 0,
  min_order_qty   DECIMAL(12,3) NULL,
  created_at      DATETIME(6)   NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at      DATETIME(6)   NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  UNIQUE KEY uq_product_sku (seller_party_id, sku),
  KEY ix_product_category (category_id),
  CONSTRAINT fk_product_seller FOREIGN KEY (seller_party_id) REFERENCES party (party_id),
  CONSTRAINT fk_product_category FOREIGN KEY (category_id) REFERENCES category (category_id),
  CONSTRAINT ck_product_qty CHECK (available_qty >= 0 AND (min_order_qty IS NULL OR min_order_qty > 0))
) ENGINE=InnoDB;

-- A list price (buyer_party_id NULL) or one buyer's own price, from valid_from on;
-- the row with the latest valid_from not after the day applies.
CREATE TABLE price (
  price_id        BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  product_id      BIGINT        NOT NULL,
  buyer_party_id  BIGINT        NULL,
  buyer_key       BIGINT        AS (COALESCE(buyer_party_id, 0)) PERSISTENT,
  valid_from      DATE          NOT NULL DEFAULT '2000-01-01',
  unit_price      DECIMAL(18,4) NOT NULL,
  return_price    DECIMAL(18,4) NULL COMMENT 'agreed return price; NULL: the price paid',
  updated_at      DATETIME(6)   NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  UNIQUE KEY uq_price (product_id, buyer_key, valid_from),
  KEY ix_price_buyer (buyer_party_id),
  CONSTRAINT fk_price_product FOREIGN KEY (product_id) REFERENCES product (product_id),
  CONSTRAINT fk_price_buyer FOREIGN KEY (buyer_party_id) REFERENCES party (party_id),
  CONSTRAINT ck_price CHECK (unit_price >= 0 AND (return_price IS NULL OR return_price >= 0))
) ENGINE=InnoDB;

-- Which buyer may see and order which product (the catalog's confidentiality).
CREATE TABLE publication (
  product_id      BIGINT      NOT NULL,
  buyer_party_id  BIGINT      NOT NULL,
  published_at    DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (product_id, buyer_party_id),
  KEY ix_publication_buyer (buyer_party_id, product_id),
  CONSTRAINT fk_publication_product FOREIGN KEY (product_id) REFERENCES product (product_id),
  CONSTRAINT fk_publication_buyer FOREIGN KEY (buyer_party_id) REFERENCES party (party_id)
) ENGINE=InnoDB;

-- ------------------------------------------------------------------ orders

CREATE TABLE purchase_order (
  order_id        BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  seller_party_id BIGINT        NOT NULL,
  buyer_party_id  BIGINT        NOT NULL,
  buyer_order_no  VARCHAR(64)   NOT NULL,
  status          ENUM('SUBMITTED','ACCEPTED','REJECTED','CANCELLED','PARTIALLY_SHIPPED',
                       'SHIPPED','INVOICED','PAID','CLOSED') NOT NULL,
  version         INT           NOT NULL DEFAULT 1,
  allow_adjust    BOOLEAN       NOT NULL DEFAULT TRUE,
  ship_to_code    VARCHAR(32)   NULL,
  requested_delivery_date DATE  NULL,
  note            VARCHAR(2000) NULL,
  currency        CHAR(3)       NOT NULL,
  total_amount    DECIMAL(18,4) NOT NULL,
  shipped_amount  DECIMAL(18,4) NOT NULL DEFAULT 0,
  invoiced_amount DECIMAL(18,4) NOT NULL DEFAULT 0,
  paid_amount     DECIMAL(18,4) NOT NULL DEFAULT 0,
  content_hash    BINARY(32)    NOT NULL,
  created_by      BIGINT        NOT NULL,
  created_at      DATETIME(6)   NOT NULL,
  updated_at      DATETIME(6)   NOT NULL,
  UNIQUE KEY uq_order_buyer_no (buyer_party_id, buyer_order_no),
  KEY ix_order_buyer_created (buyer_party_id, created_at),
  KEY ix_order_seller_created (seller_party_id, created_at),
  CONSTRAINT fk_order_seller FOREIGN KEY (seller_party_id, buyer_party_id)
    REFERENCES customer_account (seller_party_id, buyer_party_id),
  CONSTRAINT fk_order_user FOREIGN KEY (created_by) REFERENCES app_user (user_id),
  CONSTRAINT ck_order_version CHECK (version >= 1),
  CONSTRAINT ck_order_amounts CHECK (total_amount >= 0 AND shipped_amount >= 0
    AND invoiced_amount >= 0 AND paid_amount >= 0)
) ENGINE=InnoDB;

CREATE TABLE order_line (
  order_id        BIGINT        NOT NULL,
  line_no         INT           NOT NULL,
  product_id      BIGINT        NOT NULL,
  sku             VARCHAR(64)   NOT NULL COMMENT 'as ordered',
  name            VARCHAR(200)  NOT NULL COMMENT 'as ordered',
  quantity        DECIMAL(12,3) NOT NULL,
  unit_price      DECIMAL(18,4) NOT NULL,
  list_price      DECIMAL(18,4) NOT NULL COMMENT 'list price when ordered: the reference of price authority',
  line_amount     DECIMAL(18,4) NOT NULL,
  shipped_qty     DECIMAL(12,3) NOT NULL DEFAULT 0,
  returned_qty    DECIMAL(12,3) NOT NULL DEFAULT 0,
  requested_delivery_date DATE  NULL,
  PRIMARY KEY (order_id, line_no),
  KEY ix_line_product (product_id),
  CONSTRAINT fk_line_order FOREIGN KEY (order_id) REFERENCES purchase_order (order_id),
  CONSTRAINT fk_line_product FOREIGN KEY (product_id) REFERENCES product (product_id),
  CONSTRAINT ck_line CHECK (line_no BETWEEN 1 AND 99999 AND quantity >= 0 AND unit_price >= 0
    AND shipped_qty >= 0 AND returned_qty >= 0 AND returned_qty <= shipped_qty)
) ENGINE=InnoDB;

-- Every state change of an order, in the transaction that makes it.
CREATE TABLE order_history (
  history_id  BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  order_id    BIGINT       NOT NULL,
  version     INT          NOT NULL COMMENT 'the order version this change produced',
  at          DATETIME(6)  NOT NULL,
  from_status VARCHAR(20)  NULL,
  to_status   VARCHAR(20)  NOT NULL,
  actor       VARCHAR(64)  NOT NULL,
  reason      VARCHAR(500) NULL,
  UNIQUE KEY uq_history_version (order_id, version),
  CONSTRAINT fk_history_order FOREIGN KEY (order_id) REFERENCES purchase_order (order_id)
) ENGINE=InnoDB;

CREATE TABLE change_request (
  change_request_id BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  order_id          BIGINT       NOT NULL,
  status            ENUM('PENDING','APPROVED','REJECTED') NOT NULL DEFAULT 'PENDING',
  -- One pending request per order: NULL once decided, so the key only binds pending ones.
  pending_order_id  BIGINT       AS (IF(status = 'PENDING', order_id, NULL)) PERSISTENT,
  requested_at      DATETIME(6)  NOT NULL,
  requested_by      VARCHAR(64)  NOT NULL,
  reason            VARCHAR(500) NULL,
  decided_at        DATETIME(6)  NULL,
  decided_by        VARCHAR(64)  NULL,
  decision_reason   VARCHAR(500) NULL,
  UNIQUE KEY uq_change_pending (pending_order_id),
  KEY ix_change_order (order_id),
  CONSTRAINT fk_change_order FOREIGN KEY (order_id) REFERENCES purchase_order (order_id)
) ENGINE=InnoDB;

CREATE TABLE change_request_line (
  change_request_id BIGINT        NOT NULL,
  line_no           INT           NOT NULL,
  new_quantity      DECIMAL(12,3) NULL,
  new_unit_price    DECIMAL(18,4) NULL,
  new_delivery_date DATE          NULL,
  PRIMARY KEY (change_request_id, line_no),
  CONSTRAINT fk_change_line FOREIGN KEY (change_request_id) REFERENCES change_request (change_request_id),
  CONSTRAINT ck_change_line CHECK ((new_quantity IS NULL OR new_quantity >= 0)
    AND (new_unit_price IS NULL OR new_unit_price >= 0))
) ENGINE=InnoDB;

-- ------------------------------------------------------------------ fulfilment and money

CREATE TABLE shipment (
  shipment_id     BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  seller_party_id BIGINT        NOT NULL,
  buyer_party_id  BIGINT        NOT NULL,
  shipment_no     VARCHAR(64)   NOT NULL,
  order_id        BIGINT        NOT NULL,
  ship_date       DATE          NOT NULL,
  amount          DECIMAL(18,4) NOT NULL COMMENT 'sum of shipped quantity x unit price',
  content_hash    BINARY(32)    NOT NULL,
  created_by      BIGINT        NOT NULL,
  created_at      DATETIME(6)   NOT NULL,
  UNIQUE KEY uq_shipment_no (seller_party_id, shipment_no),
  KEY ix_shipment_order (order_id),
  KEY ix_shipment_buyer (buyer_party_id, ship_date),
  CONSTRAINT fk_shipment_order FOREIGN KEY (order_id) REFERENCES purchase_order (order_id)
) ENGINE=InnoDB;

CREATE TABLE shipment_line (
  shipment_id BIGINT        NOT NULL,
  line_no     INT           NOT NULL,
  quantity    DECIMAL(12,3) NOT NULL,
  amount      DECIMAL(18,4) NOT NULL,
  PRIMARY KEY (shipment_id, line_no),
  CONSTRAINT fk_shipment_line FOREIGN KEY (shipment_id) REFERENCES shipment (shipment_id),
  CONSTRAINT ck_shipment_line CHECK (quantity > 0)
) ENGINE=InnoDB;

CREATE TABLE invoice (
  invoice_id      BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  seller_party_id BIGINT        NOT NULL,
  buyer_party_id  BIGINT        NOT NULL,
  invoice_no      VARCHAR(64)   NOT NULL,
  order_id        BIGINT        NOT NULL,
  invoice_date    DATE          NOT NULL,
  amount          DECIMAL(18,4) NOT NULL,
  paid_amount     DECIMAL(18,4) NOT NULL DEFAULT 0 COMMENT 'sum of payment applications',
  content_hash    BINARY(32)    NOT NULL,
  created_by      BIGINT        NOT NULL,
  created_at      DATETIME(6)   NOT NULL,
  UNIQUE KEY uq_invoice_no (seller_party_id, invoice_no),
  KEY ix_invoice_order (order_id),
  KEY ix_invoice_buyer (buyer_party_id, invoice_date),
  CONSTRAINT fk_invoice_order FOREIGN KEY (order_id) REFERENCES purchase_order (order_id),
  CONSTRAINT ck_invoice CHECK (amount > 0 AND paid_amount >= 0 AND paid_amount <= amount)
) ENGINE=InnoDB;

CREATE TABLE payment (
  payment_id      BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  seller_party_id BIGINT        NOT NULL,
  buyer_party_id  BIGINT        NOT NULL,
  payment_no      VARCHAR(64)   NOT NULL,
  payment_date    DATE          NOT NULL,
  amount          DECIMAL(18,4) NOT NULL,
  kind            ENUM('RECEIPT','ADVANCE','REFUND') NOT NULL,
  applied_amount  DECIMAL(18,4) NOT NULL DEFAULT 0,
  content_hash    BINARY(32)    NOT NULL,
  created_by      BIGINT        NOT NULL,
  created_at      DATETIME(6)   NOT NULL,
  UNIQUE KEY uq_payment_no (seller_party_id, payment_no),
  KEY ix_payment_buyer (buyer_party_id, payment_date),
  CONSTRAINT fk_payment_account FOREIGN KEY (seller_party_id, buyer_party_id)
    REFERENCES customer_account (seller_party_id, buyer_party_id),
  CONSTRAINT ck_payment CHECK (amount > 0 AND applied_amount >= 0 AND applied_amount <= amount)
) ENGINE=InnoDB;

CREATE TABLE payment_application (
  payment_id BIGINT        NOT NULL,
  invoice_id BIGINT        NOT NULL,
  amount     DECIMAL(18,4) NOT NULL,
  PRIMARY KEY (payment_id, invoice_id),
  KEY ix_application_invoice (invoice_id),
  CONSTRAINT fk_application_payment FOREIGN KEY (payment_id) REFERENCES payment (payment_id),
  CONSTRAINT fk_application_invoice FOREIGN KEY (invoice_id) REFERENCES invoice (invoice_id),
  CONSTRAINT ck_application CHECK (amount > 0)
) ENGINE=InnoDB;

-- ------------------------------------------------------------------ returns

CREATE TABLE return_order (
  return_id       BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  seller_party_id BIGINT        NOT NULL,
  buyer_party_id  BIGINT        NOT NULL,
  buyer_return_no VARCHAR(64)   NOT NULL,
  order_id        BIGINT        NOT NULL,
  status          ENUM('REQUESTED','ACCEPTED','REJECTED','RECEIVED','REFUNDED') NOT NULL,
  version         INT           NOT NULL DEFAULT 1,
  currency        CHAR(3)       NOT NULL,
  total_amount    DECIMAL(18,4) NOT NULL,
  refund_date     DATE          NULL COMMENT 'when the credit was posted (REFUND)',
  content_hash    BINARY(32)    NOT NULL,
  created_by      BIGINT        NOT NULL,
  created_at      DATETIME(6)   NOT NULL,
  updated_at      DATETIME(6)   NOT NULL,
  UNIQUE KEY uq_return_buyer_no (buyer_party_id, buyer_return_no),
  KEY ix_return_order (order_id),
  KEY ix_return_seller (seller_party_id, created_at),
  CONSTRAINT fk_return_order FOREIGN KEY (order_id) REFERENCES purchase_order (order_id),
  CONSTRAINT ck_return CHECK (version >= 1 AND total_amount >= 0)
) ENGINE=InnoDB;

CREATE TABLE return_line (
  return_id  BIGINT        NOT NULL,
  line_no    INT           NOT NULL COMMENT 'the order line returned',
  sku        VARCHAR(64)   NOT NULL,
  quantity   DECIMAL(12,3) NOT NULL,
  unit_price DECIMAL(18,4) NOT NULL,
  list_return_price DECIMAL(18,4) NOT NULL COMMENT 'agreed return price when requested: reference of authority',
  line_amount DECIMAL(18,4) NOT NULL,
  reason     VARCHAR(500)  NULL,
  PRIMARY KEY (return_id, line_no),
  CONSTRAINT fk_return_line FOREIGN KEY (return_id) REFERENCES return_order (return_id),
  CONSTRAINT ck_return_line CHECK (quantity > 0 AND unit_price >= 0)
) ENGINE=InnoDB;

CREATE TABLE return_history (
  history_id  BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  return_id   BIGINT       NOT NULL,
  version     INT          NOT NULL,
  at          DATETIME(6)  NOT NULL,
  from_status VARCHAR(20)  NULL,
  to_status   VARCHAR(20)  NOT NULL,
  actor       VARCHAR(64)  NOT NULL,
  reason      VARCHAR(500) NULL,
  UNIQUE KEY uq_return_history_version (return_id, version),
  CONSTRAINT fk_return_history FOREIGN KEY (return_id) REFERENCES return_order (return_id)
) ENGINE=InnoDB;

-- ------------------------------------------------------------------ reconciliation

-- The buyer's confirmation of one whole account document, and who gave it when.
CREATE TABLE document_confirmation (
  seller_party_id BIGINT      NOT NULL,
  buyer_party_id  BIGINT      NOT NULL,
  doc_type        ENUM('SHIPMENT','INVOICE','PAYMENT','REFUND') NOT NULL,
  doc_no          VARCHAR(64) NOT NULL,
  confirmed       BOOLEAN     NOT NULL,
  changed_at      DATETIME(6) NOT NULL,
  changed_by      VARCHAR(64) NOT NULL,
  PRIMARY KEY (seller_party_id, buyer_party_id, doc_type, doc_no)
) ENGINE=InnoDB;

-- ------------------------------------------------------------------ feeds

-- One row per order (or return) with something the seller has not yet been
-- given: seq is NULL until a download, serialized per seller by the
-- feed_position row lock, numbers it. Only committed rows are visible to that
-- download, so a number is never handed out below one a reader has passed: a
-- slow transaction's order gets a later number, not a skipped one. A change to
-- an object sets its seq back to NULL, moving it to the end of the feed.
CREATE TABLE feed_entry (
  feed_entry_id   BIGINT     NOT NULL AUTO_INCREMENT PRIMARY KEY,
  seller_party_id BIGINT     NOT NULL,
  feed            ENUM('ORDER','RETURN') NOT NULL,
  object_id       BIGINT     NOT NULL,
  seq             BIGINT     NULL,
  changed_at      DATETIME(6) NOT NULL,
  UNIQUE KEY uq_feed_object (seller_party_id, feed, object_id),
  UNIQUE KEY uq_feed_seq (seller_party_id, feed, seq)
) ENGINE=InnoDB;

CREATE TABLE feed_position (
  seller_party_id BIGINT NOT NULL,
  feed            ENUM('ORDER','RETURN') NOT NULL,
  last_seq        BIGINT NOT NULL DEFAULT 0 COMMENT 'highest number handed out',
  acked_seq       BIGINT NOT NULL DEFAULT 0 COMMENT 'the seller acknowledged everything up to here',
  PRIMARY KEY (seller_party_id, feed),
  CONSTRAINT ck_feed_position CHECK (acked_seq <= last_seq)
) ENGINE=InnoDB;
