-- Issue 18, gray release: one row per gray (canary) release of a namespace. While 'open', the
-- gray revision (rev = the main line's latest + 1) lives only here: its change set, digest and the
-- node ids it was published to. Promote or abort commits it into revisions and settles the row.
CREATE TABLE gray_releases (
    ns              varchar(200)  NOT NULL,
    rev             bigint        NOT NULL,
    digest          varchar(64)   NOT NULL,
    author          varchar(256)  NOT NULL,
    source          varchar(300)  NOT NULL DEFAULT '',
    opened_at       timestamptz   NOT NULL,
    message         varchar(4096) NOT NULL,
    changes         bytea         NOT NULL,
    selector        varchar(200)  NOT NULL,
    nodes           text          NOT NULL,
    state           varchar(16)   NOT NULL CHECK (state IN ('open', 'promoted', 'aborted')),
    settled_by      varchar(256),
    settled_source  varchar(300),
    settled_at      timestamptz,
    settled_message varchar(4096),
    PRIMARY KEY (ns, rev)
);
-- At most one open gray release per namespace, whichever server opens it.
CREATE UNIQUE INDEX gray_releases_one_open ON gray_releases (ns) WHERE state = 'open';
