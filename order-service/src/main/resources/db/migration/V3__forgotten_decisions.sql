-- How far the coordinator has forgotten the decisions of finished transactions in consensus-service: every finished
-- transaction whose tx_id sorts at or before this one has had its decision key deleted. tx_ids are UUIDs of version 7,
-- so their text sorts by the time they were made, and one row is enough to go on from after a restart.
create table forgotten_decisions (
    id      integer     primary key check (id = 1),
    through varchar(64) not null
);
insert into forgotten_decisions (id, through) values (1, '');
