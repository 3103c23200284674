OPTIMIZE changefeed_lake.changes REWRITE DATA USING BIN_PACK;

VACUUM changefeed_lake.changes;

OPTIMIZE changefeed_lake.open_orders_current REWRITE DATA USING BIN_PACK;

VACUUM changefeed_lake.open_orders_current;

OPTIMIZE changefeed_lake.everything_current REWRITE DATA USING BIN_PACK;

VACUUM changefeed_lake.everything_current;
