"""Versioned schema migrations, applied in order at start-up.

A version is never edited once shipped: a change of schema is a new version.
"""

MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (
        1,
        "survey responses",
        """
        CREATE TABLE survey_responses (
            id             INTEGER PRIMARY KEY,
            submitted_at   TEXT    NOT NULL,  -- UTC, ISO 8601 'YYYY-MM-DDTHH:MM:SSZ'
            service_id     TEXT,
            channel        TEXT    NOT NULL,  -- telegram | whatsapp | terminal | import
            respondent_key TEXT,              -- keyed pseudonym; never a chat id or phone number
            ticket_id      INTEGER,
            ticketed       INTEGER NOT NULL DEFAULT 0 CHECK (ticketed IN (0, 1)),
            profile        TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(profile)),
            u1 INTEGER CHECK (u1 BETWEEN 1 AND 4),
            u2 INTEGER CHECK (u2 BETWEEN 1 AND 4),
            u3 INTEGER CHECK (u3 BETWEEN 1 AND 4),
            u4 INTEGER CHECK (u4 BETWEEN 1 AND 4),
            u5 INTEGER CHECK (u5 BETWEEN 1 AND 4),
            u6 INTEGER CHECK (u6 BETWEEN 1 AND 4),
            u7 INTEGER CHECK (u7 BETWEEN 1 AND 4),
            u8 INTEGER CHECK (u8 BETWEEN 1 AND 4),
            u9 INTEGER CHECK (u9 BETWEEN 1 AND 4),
            suggestion     TEXT,
            import_batch   TEXT
        );
        CREATE INDEX survey_responses_time ON survey_responses (submitted_at);
        CREATE INDEX survey_responses_service_time ON survey_responses (service_id, submitted_at);
        """,
    ),
    (
        2,
        "conversation state and processed events",
        """
        CREATE TABLE conversations (
            channel    TEXT NOT NULL,
            user_key   TEXT NOT NULL,
            state      TEXT NOT NULL CHECK (json_valid(state)),
            updated_at TEXT NOT NULL,
            PRIMARY KEY (channel, user_key)
        ) WITHOUT ROWID;
        CREATE TABLE processed_events (
            channel      TEXT NOT NULL,
            event_id     TEXT NOT NULL,
            processed_at TEXT NOT NULL,
            PRIMARY KEY (channel, event_id)
        ) WITHOUT ROWID;
        CREATE INDEX processed_events_time ON processed_events (processed_at);
        CREATE INDEX survey_responses_respondent
            ON survey_responses (respondent_key, submitted_at);
        """,
    ),
    (
        3,
        "visit tickets",
        """
        CREATE TABLE tickets (
            id         INTEGER PRIMARY KEY,
            token      TEXT NOT NULL UNIQUE,
            service_id TEXT,
            issued_at  TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            issued_by  TEXT,          -- the issuing official's keyed pseudonym
            used_at    TEXT
        );
        """,
    ),
    (
        4,
        "officials and the audit log",
        """
        CREATE TABLE officials (
            id         INTEGER PRIMARY KEY,
            channel    TEXT NOT NULL,
            user_key   TEXT NOT NULL,   -- keyed pseudonym, to recognise the official's events
            address    TEXT NOT NULL,   -- where reports are delivered (chat id, phone number)
            name       TEXT,
            role       TEXT NOT NULL CHECK (role IN ('admin', 'pejabat', 'petugas')),
            added_at   TEXT NOT NULL,
            added_by   TEXT,
            UNIQUE (channel, user_key, role)
        );
        CREATE TABLE audit_log (
            id     INTEGER PRIMARY KEY,
            at     TEXT NOT NULL,
            actor  TEXT NOT NULL,
            action TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT ''
        );
        """,
    ),
    (
        5,
        "follow-up plans, complaints, invitations, population figures, outbox, report ledger",
        """
        CREATE TABLE follow_up_plans (
            id            INTEGER PRIMARY KEY,
            period_first  TEXT NOT NULL,   -- the survey period whose lowest unsur it addresses
            period_last   TEXT NOT NULL,
            unsur         TEXT NOT NULL
                          CHECK (unsur IN ('U1','U2','U3','U4','U5','U6','U7','U8','U9')),
            activity      TEXT NOT NULL,
            target        TEXT NOT NULL,   -- as officials write it: 'Semester 1 2025'
            due_date      TEXT,            -- the last day of the target, for 'overdue'
            responsible   TEXT NOT NULL,
            status        TEXT NOT NULL DEFAULT 'planned'
                          CHECK (status IN ('planned', 'done', 'not_done')),
            realisation   TEXT,
            obstacles     TEXT,
            created_at    TEXT NOT NULL,
            created_by    TEXT NOT NULL,
            updated_at    TEXT NOT NULL,
            updated_by    TEXT NOT NULL
        );
        CREATE TABLE complaints (
            id          INTEGER PRIMARY KEY,
            channel     TEXT NOT NULL,
            user_key    TEXT NOT NULL,
            address     TEXT,              -- where the answer goes; erased once it is delivered
            kind        TEXT NOT NULL CHECK (kind IN ('complaint', 'question')),
            text        TEXT NOT NULL,
            created_at  TEXT NOT NULL,
            answer      TEXT,
            answered_at TEXT,
            answered_by TEXT
        );
        CREATE INDEX complaints_open ON complaints (answered_at, created_at);
        CREATE TABLE invitations (
            code        TEXT PRIMARY KEY,
            role        TEXT NOT NULL CHECK (role IN ('admin', 'pejabat', 'petugas')),
            created_at  TEXT NOT NULL,
            expires_at  TEXT NOT NULL,
            created_by  TEXT NOT NULL,
            used_at     TEXT,
            used_by     TEXT
        ) WITHOUT ROWID;
        CREATE TABLE population_figures (
            period_key  TEXT PRIMARY KEY,
            served      INTEGER NOT NULL CHECK (served >= 0),
            entered_at  TEXT NOT NULL,
            entered_by  TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE outbox (
            id          INTEGER PRIMARY KEY,
            channel     TEXT NOT NULL,
            address     TEXT NOT NULL,
            payload     TEXT NOT NULL CHECK (json_valid(payload)),
            created_at  TEXT NOT NULL,
            not_before  TEXT NOT NULL,
            parts_sent  INTEGER NOT NULL DEFAULT 0,  -- messages of the payload already sent
            held_at     TEXT,    -- waiting for the person to open a messaging window (WhatsApp)
            attempts    INTEGER NOT NULL DEFAULT 0,
            sent_at     TEXT,
            failed_at   TEXT,
            last_error  TEXT
        );
        CREATE INDEX outbox_pending ON outbox (channel, sent_at, failed_at, not_before);
        CREATE TABLE contact_windows (
            channel         TEXT NOT NULL,
            user_key        TEXT NOT NULL,
            last_inbound_at TEXT NOT NULL,
            PRIMARY KEY (channel, user_key)
        ) WITHOUT ROWID;
        CREATE TABLE report_deliveries (
            report      TEXT NOT NULL,     -- weekly | monthly | semester
            period_key  TEXT NOT NULL,
            official_id INTEGER NOT NULL REFERENCES officials (id) ON DELETE CASCADE,
            outbox_id   INTEGER REFERENCES outbox (id),
            queued_at   TEXT NOT NULL,
            PRIMARY KEY (report, period_key, official_id)
        ) WITHOUT ROWID;
        CREATE TABLE report_subscriptions (
            official_id INTEGER NOT NULL REFERENCES officials (id) ON DELETE CASCADE,
            report      TEXT NOT NULL,
            enabled     INTEGER NOT NULL CHECK (enabled IN (0, 1)),
            PRIMARY KEY (official_id, report)
        ) WITHOUT ROWID;
        """,
    ),
)
