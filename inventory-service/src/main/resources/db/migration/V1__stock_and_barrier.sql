-- Stock on hand per SKU: available can still be ordered, reserved is held by prepared transactions.
create table stock (
    sku       varchar(64) primary key,
    available integer     not null check (available >= 0),
    reserved  integer     not null check (reserved >= 0)
);

-- What each prepared transaction holds, so that commit and abort know what to consume or return.
create table reservation (
    tx_id      varchar(64) primary key,
    sku        varchar(64) not null references stock (sku),
    quantity   integer     not null check (quantity > 0),
    status     varchar(16) not null,
    created_at timestamp(6) with time zone not null
);

-- The 2PC barrier (dtm, Seata's TCC fence): one row per transaction, written in the same local
-- transaction as the stock change. Its primary key is what makes duplicates and races safe.
create table twopc_barrier (
    tx_id  varchar(64)  primary key,
    state  varchar(16)  not null,
    reason varchar(500),
    since  timestamp(6) with time zone not null
);
create index twopc_barrier_state_since on twopc_barrier (state, since);
