-- 004_feed_unnumbered.sql - the unnumbered entries of a feed, oldest change first.
--
-- A download numbers a bounded number of them (the oldest), skipping those an
-- unfinished transaction still holds. This index hands them over in that
-- order without sorting every unnumbered entry: an ERP back to a backlog of
-- 30 thousand changes otherwise sorts all 30 thousand on every download.

ALTER TABLE feed_entry
  ADD KEY ix_feed_unnumbered (seller_party_id, feed, seq, changed_at, feed_entry_id);
