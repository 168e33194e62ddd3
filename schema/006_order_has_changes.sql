-- 006_order_has_changes.sql - whether an order has change requests, on the order.
--
-- Every read of an order's header asked it with an EXISTS subquery on
-- change_request; planning that subquery was an eighth of MariaDB's CPU in a
-- GetOrderStatus (docs/benchmarks.md). Set in the transaction that inserts
-- an order's first change request, under the order's row lock; change
-- requests are never deleted, so it is never cleared.

ALTER TABLE purchase_order
  ADD COLUMN has_changes BOOLEAN NOT NULL DEFAULT FALSE COMMENT 'a change request exists';

UPDATE purchase_order o SET o.has_changes = TRUE
  WHERE EXISTS (SELECT 1 FROM change_request c WHERE c.order_id = o.order_id);
