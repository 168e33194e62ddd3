-- 005_foreign_keys.sql - the references 001 left to the code, now kept by the database.
--
-- Shipments, invoices, returns and confirmations are documents between a seller and a buyer
-- that have an account, as payments already were; whoever recorded a document is a user;
-- a feed and its position belong to a seller. The code never wrote anything else: these
-- make sure nothing else is ever written (a bug, a hand-made INSERT) and that no party,
-- account or user with documents can be deleted from under them.

ALTER TABLE shipment
  ADD CONSTRAINT fk_shipment_account FOREIGN KEY (seller_party_id, buyer_party_id)
    REFERENCES customer_account (seller_party_id, buyer_party_id),
  ADD CONSTRAINT fk_shipment_user FOREIGN KEY (created_by) REFERENCES app_user (user_id);

ALTER TABLE invoice
  ADD CONSTRAINT fk_invoice_account FOREIGN KEY (seller_party_id, buyer_party_id)
    REFERENCES customer_account (seller_party_id, buyer_party_id),
  ADD CONSTRAINT fk_invoice_user FOREIGN KEY (created_by) REFERENCES app_user (user_id);

ALTER TABLE payment
  ADD CONSTRAINT fk_payment_user FOREIGN KEY (created_by) REFERENCES app_user (user_id);

ALTER TABLE return_order
  ADD CONSTRAINT fk_return_account FOREIGN KEY (seller_party_id, buyer_party_id)
    REFERENCES customer_account (seller_party_id, buyer_party_id),
  ADD CONSTRAINT fk_return_user FOREIGN KEY (created_by) REFERENCES app_user (user_id);

ALTER TABLE document_confirmation
  ADD CONSTRAINT fk_confirmation_account FOREIGN KEY (seller_party_id, buyer_party_id)
    REFERENCES customer_account (seller_party_id, buyer_party_id);

ALTER TABLE feed_entry
  ADD CONSTRAINT fk_feed_entry_seller FOREIGN KEY (seller_party_id) REFERENCES party (party_id);

ALTER TABLE feed_position
  ADD CONSTRAINT fk_feed_position_seller FOREIGN KEY (seller_party_id) REFERENCES party (party_id);
