-- 007_document_numbers_exact.sql - document numbers compare byte for byte.
--
-- The numbers clients give their documents were compared under the
-- database's collation (utf8mb4_unicode_ci, which pads with spaces): PO-a and
-- PO-A, RET-1 and RÉT-1, or PO-1 and "PO-1 " were one number, so the second
-- document was answered as the first's duplicate (with the first's id) or as
-- a conflict. A number is the client's own key and means what its bytes say:
-- utf8mb4_nopad_bin.
--
-- The unique keys were stricter before (they merged more), so no row can
-- collide under the new collation. A confirmation was stored with the number
-- as the buyer typed it, which matched its document whatever the case; it is
-- first given the document's own spelling, so that it still matches.

UPDATE document_confirmation c JOIN shipment d ON d.seller_party_id = c.seller_party_id
  AND d.buyer_party_id = c.buyer_party_id AND d.shipment_no = c.doc_no
  SET c.doc_no = d.shipment_no WHERE c.doc_type = 'SHIPMENT';
UPDATE document_confirmation c JOIN invoice d ON d.seller_party_id = c.seller_party_id
  AND d.buyer_party_id = c.buyer_party_id AND d.invoice_no = c.doc_no
  SET c.doc_no = d.invoice_no WHERE c.doc_type = 'INVOICE';
UPDATE document_confirmation c JOIN payment d ON d.seller_party_id = c.seller_party_id
  AND d.buyer_party_id = c.buyer_party_id AND d.payment_no = c.doc_no
  SET c.doc_no = d.payment_no WHERE c.doc_type = 'PAYMENT';
UPDATE document_confirmation c JOIN return_order d ON d.seller_party_id = c.seller_party_id
  AND d.buyer_party_id = c.buyer_party_id AND d.buyer_return_no = c.doc_no
  SET c.doc_no = d.buyer_return_no WHERE c.doc_type = 'REFUND';

ALTER TABLE purchase_order
  MODIFY buyer_order_no VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL;
ALTER TABLE return_order
  MODIFY buyer_return_no VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL;
ALTER TABLE shipment
  MODIFY shipment_no VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL;
ALTER TABLE invoice
  MODIFY invoice_no VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL;
ALTER TABLE payment
  MODIFY payment_no VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL;
ALTER TABLE document_confirmation
  MODIFY doc_no VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL;
