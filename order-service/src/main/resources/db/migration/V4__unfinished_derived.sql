-- A transaction is finished when it is decided and every participant acknowledged: the finished column was a copy
-- of that, written by every decision and acknowledgement under a lock of the record. Once, in a system test, the
-- copy stayed false with the decision and both acknowledgements recorded, and the transaction was listed as
-- unfinished for good (and every decision after it kept in consensus). Unfinished is now read from the rows it
-- follows from, through these two indexes, so there is no copy to fall behind them.
drop index tx_record_finished;
alter table tx_record drop column finished;
create index tx_record_decision on tx_record (decision);
create index tx_participant_acknowledged on tx_participant (acknowledged);
