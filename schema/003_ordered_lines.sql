-- 003_ordered_lines.sql - what the buyer ordered, kept beside what the order now says.
--
-- Adjustments on acceptance and approved change requests overwrite a line's
-- quantity and price; an OrderResponse must still tell "accepted as sent"
-- (AP) from "accepted with changes" (CA) and show both. Set once at insert.

ALTER TABLE order_line
  ADD COLUMN ordered_quantity   DECIMAL(12,3) NULL COMMENT 'as first submitted',
  ADD COLUMN ordered_unit_price DECIMAL(18,4) NULL COMMENT 'as first submitted';

UPDATE order_line SET ordered_quantity = quantity, ordered_unit_price = unit_price
  WHERE ordered_quantity IS NULL;
