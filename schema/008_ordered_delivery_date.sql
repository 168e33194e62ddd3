-- 008_ordered_delivery_date.sql - the delivery date the buyer asked for, kept
-- beside the one the order now says.
--
-- An approved change request overwrites a line's requested delivery date, as
-- it does quantity and price (003_ordered_lines.sql keeps those): the Order
-- document must still show the order as placed, and a date changed by the
-- seller makes the OrderResponse CA, not AP. Set once at insert; NULL when
-- the buyer asked for no date. Lines stored before this migration keep the
-- date they hold now, the best that is known of what was asked. Migrate
-- before the hubs are upgraded: a line an older hub inserts after it has no
-- ordered date, and its OrderResponse would call a dated line changed.
-- IF NOT EXISTS lets a run that failed on the UPDATE (a Galera certification
-- conflict with live writes, say) simply run again.

ALTER TABLE order_line
  ADD COLUMN IF NOT EXISTS ordered_delivery_date DATE NULL COMMENT 'as first submitted';

UPDATE order_line SET ordered_delivery_date = requested_delivery_date;
