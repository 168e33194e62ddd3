-- 007_document_numbers_exact.sql - document numbers compare byte for byte.
--
-- The numbers clients give their documents were compared under the
-- database's collation (utf8mb4_unicode_ci): PO-a and PO-A, or RET-1 and
-- RÉT-1, were one number, so the second document was answered as the
-- first's duplicate (with the first's id) or as a conflict. A number is the
-- client's own key and means what its bytes say. utf8mb4_bin still pads with
-- spaces, so the hub refuses numbers that start or end with one.
--
-- The unique keys were stricter before (they merged more), so no row can
-- collide under the new collation.

ALTER TABLE purchase_order
  MODIFY buyer_order_no VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE return_order
  MODIFY buyer_return_no VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE shipment
  MODIFY shipment_no VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE invoice
  MODIFY invoice_no VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE payment
  MODIFY payment_no VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE document_confirmation
  MODIFY doc_no VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
