"""Versioned schema migrations, applied in order at start-up.

A version is never edited once shipped: a change of schema is a new version.
"""

_SUMS = ", ".join(f"s{i} INTEGER NOT NULL" for i in range(1, 10))
_COUNTS = ", ".join(f"c{i} INTEGER NOT NULL" for i in range(1, 10))
_ADD = ", ".join(f"s{i} = s{i} + excluded.s{i}" for i in range(1, 10))
_ADD_COUNTS = ", ".join(f"c{i} = c{i} + excluded.c{i}" for i in range(1, 10))
_NEW_SUMS = ", ".join(f"COALESCE(NEW.u{i}, 0)" for i in range(1, 10))
_NEW_COUNTS = ", ".join(f"NEW.u{i} IS NOT NULL" for i in range(1, 10))
_SUBTRACT = ", ".join(
    f"s{i} = s{i} - COALESCE(OLD.u{i}, 0), c{i} = c{i} - (OLD.u{i} IS NOT NULL)"
    for i in range(1, 10)
)
_SUM_ANSWERS = ", ".join(f"COALESCE(SUM(u{i}), 0)" for i in range(1, 10))
_COUNT_ANSWERS = ", ".join(f"COUNT(u{i})" for i in range(1, 10))

#: Tables whose rows belong to one unit and only gain a column.
UNIT_COLUMN_TABLES = (
    "survey_responses",
    "tickets",
    "officials",
    "invitations",
    "audit_log",
    "follow_up_plans",
    "complaints",
    "publications",
    "content_versions",
    "kiosk_codes",
    "kiosks",
)

_UNIT_COLUMNS = "\n".join(
    f"ALTER TABLE {table} ADD COLUMN unit_id TEXT NOT NULL DEFAULT '';"
    for table in UNIT_COLUMN_TABLES
)

# Roll-ups are rebuilt with the unit in their key and filled again from the responses; tables
# whose key must include the unit are rebuilt and copied. A row from before units has the unit
# '' until the runtime gives it its unit (storage.units.adopt_rows), and only then: a row's unit
# is never changed afterwards.
_UNITS_14 = f"""
{_UNIT_COLUMNS}
DROP TRIGGER survey_responses_roll_up;
DROP TRIGGER survey_responses_roll_down;
DROP TABLE response_rollup;
DROP TABLE profile_rollup;
CREATE TABLE response_rollup (
    unit_id     TEXT NOT NULL,
    hour        TEXT NOT NULL,   -- UTC 'YYYY-MM-DDTHH'
    service_id  TEXT NOT NULL,   -- '' when the response names no service
    respondents INTEGER NOT NULL,
    {_SUMS},
    {_COUNTS},
    PRIMARY KEY (unit_id, hour, service_id)
) WITHOUT ROWID;
CREATE TABLE profile_rollup (
    unit_id     TEXT NOT NULL,
    hour        TEXT NOT NULL,
    question    TEXT NOT NULL,
    answer      TEXT NOT NULL,
    respondents INTEGER NOT NULL,
    PRIMARY KEY (unit_id, hour, question, answer)
) WITHOUT ROWID;
INSERT INTO response_rollup
    SELECT unit_id, substr(submitted_at, 1, 13), COALESCE(service_id, ''), COUNT(*),
           {_SUM_ANSWERS}, {_COUNT_ANSWERS}
    FROM survey_responses GROUP BY 1, 2, 3;
INSERT INTO profile_rollup
    SELECT r.unit_id, substr(r.submitted_at, 1, 13), p.key, CAST(p.value AS TEXT), COUNT(*)
    FROM survey_responses AS r, json_each(r.profile) AS p GROUP BY 1, 2, 3, 4;
CREATE TRIGGER survey_responses_roll_up AFTER INSERT ON survey_responses BEGIN
    INSERT INTO response_rollup VALUES (
        NEW.unit_id, substr(NEW.submitted_at, 1, 13), COALESCE(NEW.service_id, ''), 1,
        {_NEW_SUMS}, {_NEW_COUNTS}
    )
    ON CONFLICT (unit_id, hour, service_id) DO UPDATE SET
        respondents = respondents + 1, {_ADD}, {_ADD_COUNTS};
    INSERT INTO profile_rollup
        SELECT NEW.unit_id, substr(NEW.submitted_at, 1, 13), key, CAST(value AS TEXT), 1
        FROM json_each(NEW.profile) WHERE true
    ON CONFLICT (unit_id, hour, question, answer) DO UPDATE SET respondents = respondents + 1;
END;
CREATE TRIGGER survey_responses_roll_down AFTER DELETE ON survey_responses BEGIN
    UPDATE response_rollup SET respondents = respondents - 1, {_SUBTRACT}
    WHERE unit_id = OLD.unit_id AND hour = substr(OLD.submitted_at, 1, 13)
      AND service_id = COALESCE(OLD.service_id, '');
    UPDATE profile_rollup SET respondents = respondents - 1
    WHERE unit_id = OLD.unit_id AND hour = substr(OLD.submitted_at, 1, 13)
      AND (question, answer) IN (
          SELECT key, CAST(value AS TEXT) FROM json_each(OLD.profile)
      );
END;
CREATE TRIGGER survey_responses_unit_given_once BEFORE UPDATE OF unit_id ON survey_responses
WHEN OLD.unit_id <> '' BEGIN
    SELECT RAISE(ABORT, 'a stored response never changes its unit');
END;
CREATE INDEX survey_responses_unit_time ON survey_responses (unit_id, submitted_at);
DROP INDEX complaints_open;
CREATE INDEX complaints_open ON complaints (unit_id, answered_at, created_at);
DROP INDEX publications_current;
CREATE UNIQUE INDEX publications_current ON publications (unit_id, period_key)
    WHERE withdrawn_at IS NULL;
DROP INDEX content_versions_target;
CREATE INDEX content_versions_target ON content_versions (unit_id, target, id);
CREATE INDEX officials_unit ON officials (unit_id, role);

CREATE TABLE population_figures_by_unit (
    unit_id     TEXT NOT NULL DEFAULT '',
    period_key  TEXT NOT NULL,
    served      INTEGER NOT NULL CHECK (served >= 0),
    entered_at  TEXT NOT NULL,
    entered_by  TEXT NOT NULL,
    PRIMARY KEY (unit_id, period_key)
) WITHOUT ROWID;
INSERT INTO population_figures_by_unit (period_key, served, entered_at, entered_by)
    SELECT period_key, served, entered_at, entered_by FROM population_figures;
DROP TABLE population_figures;
ALTER TABLE population_figures_by_unit RENAME TO population_figures;

CREATE TABLE imported_files_by_unit (
    unit_id     TEXT NOT NULL DEFAULT '',
    sha256      TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    responses   INTEGER NOT NULL,
    PRIMARY KEY (unit_id, sha256)
) WITHOUT ROWID;
INSERT INTO imported_files_by_unit (sha256, file_name, imported_at, responses)
    SELECT sha256, file_name, imported_at, responses FROM imported_files;
DROP TABLE imported_files;
ALTER TABLE imported_files_by_unit RENAME TO imported_files;

CREATE TABLE published_results_by_unit (
    id            INTEGER PRIMARY KEY,
    unit_id       TEXT NOT NULL DEFAULT '',
    period_first  TEXT NOT NULL,
    period_last   TEXT NOT NULL,
    respondents   INTEGER NOT NULL CHECK (respondents >= 0),
    nrr           TEXT NOT NULL CHECK (json_valid(nrr)),
    ikm           TEXT NOT NULL,
    source        TEXT NOT NULL,
    entered_at    TEXT NOT NULL,
    UNIQUE (unit_id, period_first, period_last),
    CHECK (period_first <= period_last)
);
INSERT INTO published_results_by_unit
    (id, period_first, period_last, respondents, nrr, ikm, source, entered_at)
    SELECT id, period_first, period_last, respondents, nrr, ikm, source, entered_at
    FROM published_results;
DROP TABLE published_results;
ALTER TABLE published_results_by_unit RENAME TO published_results;
"""


# Summaries count a period's responses per channel and per questionnaire version, which a
# response never changes: kept per hour beside the other roll-ups, they cost a period's hours
# to read instead of its rows. Suggestions are counted through an index of the unit's.
_ORIGINS_15 = """
CREATE TABLE origin_rollup (
    unit_id     TEXT NOT NULL,
    hour        TEXT NOT NULL,
    channel     TEXT NOT NULL,
    version     TEXT NOT NULL,   -- '' when the response recorded no questionnaire version
    respondents INTEGER NOT NULL,
    PRIMARY KEY (unit_id, hour, channel, version)
) WITHOUT ROWID;
INSERT INTO origin_rollup
    SELECT unit_id, substr(submitted_at, 1, 13), channel, COALESCE(questionnaire_version, ''),
           COUNT(*)
    FROM survey_responses GROUP BY 1, 2, 3, 4;
CREATE TRIGGER survey_responses_origin_up AFTER INSERT ON survey_responses BEGIN
    INSERT INTO origin_rollup VALUES (
        NEW.unit_id, substr(NEW.submitted_at, 1, 13), NEW.channel,
        COALESCE(NEW.questionnaire_version, ''), 1
    )
    ON CONFLICT (unit_id, hour, channel, version) DO UPDATE SET respondents = respondents + 1;
END;
CREATE TRIGGER survey_responses_origin_down AFTER DELETE ON survey_responses BEGIN
    UPDATE origin_rollup SET respondents = respondents - 1
    WHERE unit_id = OLD.unit_id AND hour = substr(OLD.submitted_at, 1, 13)
      AND channel = OLD.channel AND version = COALESCE(OLD.questionnaire_version, '');
END;
DROP INDEX survey_responses_suggestions;
CREATE INDEX survey_responses_suggestions
    ON survey_responses (unit_id, submitted_at) WHERE suggestion IS NOT NULL;
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
    (
        6,
        "hourly roll-ups of responses",
        # Summaries read sums and counts per hour and service, and answer counts per hour and
        # profile question, instead of every response: a period of local days is a run of
        # whole UTC hours in Indonesia's zones. Responses are append-only, which the roll-ups
        # rely on; a deletion is rolled back out of them.
        """
        CREATE TABLE response_rollup (
            hour        TEXT NOT NULL,   -- UTC 'YYYY-MM-DDTHH'
            service_id  TEXT NOT NULL,   -- '' when the response names no service
            respondents INTEGER NOT NULL,
            s1 INTEGER NOT NULL, s2 INTEGER NOT NULL, s3 INTEGER NOT NULL, s4 INTEGER NOT NULL,
            s5 INTEGER NOT NULL, s6 INTEGER NOT NULL, s7 INTEGER NOT NULL, s8 INTEGER NOT NULL,
            s9 INTEGER NOT NULL, c1 INTEGER NOT NULL, c2 INTEGER NOT NULL, c3 INTEGER NOT NULL,
            c4 INTEGER NOT NULL, c5 INTEGER NOT NULL, c6 INTEGER NOT NULL, c7 INTEGER NOT NULL,
            c8 INTEGER NOT NULL, c9 INTEGER NOT NULL,
            PRIMARY KEY (hour, service_id)
        ) WITHOUT ROWID;
        CREATE TABLE profile_rollup (
            hour        TEXT NOT NULL,
            question    TEXT NOT NULL,
            answer      TEXT NOT NULL,
            respondents INTEGER NOT NULL,
            PRIMARY KEY (hour, question, answer)
        ) WITHOUT ROWID;
        INSERT INTO response_rollup
            SELECT substr(submitted_at, 1, 13), COALESCE(service_id, ''), COUNT(*),
                   COALESCE(SUM(u1), 0), COALESCE(SUM(u2), 0), COALESCE(SUM(u3), 0),
                   COALESCE(SUM(u4), 0), COALESCE(SUM(u5), 0), COALESCE(SUM(u6), 0),
                   COALESCE(SUM(u7), 0), COALESCE(SUM(u8), 0), COALESCE(SUM(u9), 0), COUNT(u1),
                   COUNT(u2), COUNT(u3), COUNT(u4), COUNT(u5), COUNT(u6), COUNT(u7), COUNT(u8),
                   COUNT(u9)
            FROM survey_responses GROUP BY 1, 2;
        INSERT INTO profile_rollup
            SELECT substr(r.submitted_at, 1, 13), p.key, CAST(p.value AS TEXT), COUNT(*)
            FROM survey_responses AS r, json_each(r.profile) AS p GROUP BY 1, 2, 3;
        CREATE TRIGGER survey_responses_roll_up AFTER INSERT ON survey_responses BEGIN
            INSERT INTO response_rollup VALUES (
                substr(NEW.submitted_at, 1, 13), COALESCE(NEW.service_id, ''), 1,
                COALESCE(NEW.u1, 0), COALESCE(NEW.u2, 0), COALESCE(NEW.u3, 0), COALESCE(NEW.u4,
                0), COALESCE(NEW.u5, 0), COALESCE(NEW.u6, 0), COALESCE(NEW.u7, 0),
                COALESCE(NEW.u8, 0), COALESCE(NEW.u9, 0), NEW.u1 IS NOT NULL, NEW.u2 IS NOT
                NULL, NEW.u3 IS NOT NULL, NEW.u4 IS NOT NULL, NEW.u5 IS NOT NULL, NEW.u6 IS NOT
                NULL, NEW.u7 IS NOT NULL, NEW.u8 IS NOT NULL, NEW.u9 IS NOT NULL
            )
            ON CONFLICT (hour, service_id) DO UPDATE SET
                respondents = respondents + 1,
                s1 = s1 + excluded.s1, s2 = s2 + excluded.s2, s3 = s3 + excluded.s3, s4 = s4 +
                excluded.s4, s5 = s5 + excluded.s5, s6 = s6 + excluded.s6, s7 = s7 +
                excluded.s7, s8 = s8 + excluded.s8, s9 = s9 + excluded.s9, c1 = c1 +
                excluded.c1, c2 = c2 + excluded.c2, c3 = c3 + excluded.c3, c4 = c4 +
                excluded.c4, c5 = c5 + excluded.c5, c6 = c6 + excluded.c6, c7 = c7 +
                excluded.c7, c8 = c8 + excluded.c8, c9 = c9 + excluded.c9;
            INSERT INTO profile_rollup
                SELECT substr(NEW.submitted_at, 1, 13), key, CAST(value AS TEXT), 1
                FROM json_each(NEW.profile) WHERE true
            ON CONFLICT (hour, question, answer) DO UPDATE SET respondents = respondents + 1;
        END;
        CREATE TRIGGER survey_responses_roll_down AFTER DELETE ON survey_responses BEGIN
            UPDATE response_rollup SET
                respondents = respondents - 1,
                s1 = s1 - COALESCE(OLD.u1, 0), s2 = s2 - COALESCE(OLD.u2, 0), s3 = s3 -
                COALESCE(OLD.u3, 0), s4 = s4 - COALESCE(OLD.u4, 0), s5 = s5 - COALESCE(OLD.u5,
                0), s6 = s6 - COALESCE(OLD.u6, 0), s7 = s7 - COALESCE(OLD.u7, 0), s8 = s8 -
                COALESCE(OLD.u8, 0), s9 = s9 - COALESCE(OLD.u9, 0), c1 = c1 - (OLD.u1 IS NOT
                NULL), c2 = c2 - (OLD.u2 IS NOT NULL), c3 = c3 - (OLD.u3 IS NOT NULL), c4 = c4 -
                (OLD.u4 IS NOT NULL), c5 = c5 - (OLD.u5 IS NOT NULL), c6 = c6 - (OLD.u6 IS NOT
                NULL), c7 = c7 - (OLD.u7 IS NOT NULL), c8 = c8 - (OLD.u8 IS NOT NULL), c9 = c9 -
                (OLD.u9 IS NOT NULL)
            WHERE hour = substr(OLD.submitted_at, 1, 13)
              AND service_id = COALESCE(OLD.service_id, '');
            UPDATE profile_rollup SET respondents = respondents - 1
            WHERE hour = substr(OLD.submitted_at, 1, 13)
              AND (question, answer) IN (
                  SELECT key, CAST(value AS TEXT) FROM json_each(OLD.profile)
              );
        END;
        CREATE TRIGGER survey_responses_append_only BEFORE UPDATE ON survey_responses BEGIN
            SELECT RAISE(ABORT, 'a stored response is never changed');
        END;
        CREATE INDEX survey_responses_suggestions
            ON survey_responses (submitted_at) WHERE suggestion IS NOT NULL;
        """,
    ),
    (
        7,
        "the questionnaire version each response answered",
        # Responses stored before have no recorded version: NULL says so, rather than a guess.
        """
        ALTER TABLE survey_responses ADD COLUMN questionnaire_version TEXT;
        """,
    ),
    (
        8,
        "durable inbound messages, ids of sent messages, delivery failures",
        # A webhook message is stored before the webhook is answered and deleted once processed;
        # a sent message's id lets a later status (WhatsApp's 'failed') find its outbox entry.
        """
        CREATE TABLE inbound_messages (
            id          INTEGER PRIMARY KEY,  -- arrival order: a person's messages stay in order
            channel     TEXT NOT NULL,
            message_id  TEXT NOT NULL,   -- the chat app's id (wamid): a redelivery is one row
            sender      TEXT NOT NULL,   -- whose: one person's messages are processed in order
            payload     TEXT NOT NULL CHECK (json_valid(payload)),  -- deleted once processed
            received_at TEXT NOT NULL,
            attempts    INTEGER NOT NULL DEFAULT 0,
            not_before  TEXT NOT NULL,
            last_error  TEXT,
            UNIQUE (channel, message_id)
        );
        CREATE INDEX inbound_messages_sender ON inbound_messages (channel, sender, id);
        CREATE TABLE sent_messages (
            channel     TEXT NOT NULL,
            provider_id TEXT NOT NULL,   -- the chat app's id of one message sent
            outbox_id   INTEGER REFERENCES outbox (id) ON DELETE CASCADE,
            part        INTEGER NOT NULL DEFAULT 0,  -- which part of the outbox payload
            sent_at     TEXT NOT NULL,
            PRIMARY KEY (channel, provider_id)
        ) WITHOUT ROWID;
        CREATE INDEX sent_messages_time ON sent_messages (sent_at);
        ALTER TABLE outbox ADD COLUMN erased_at TEXT;  -- address and text erased
        ALTER TABLE complaints ADD COLUMN answer_outbox_id INTEGER REFERENCES outbox (id);
        ALTER TABLE complaints ADD COLUMN delivery_error TEXT;
        ALTER TABLE officials ADD COLUMN unreachable_at TEXT;
        ALTER TABLE officials ADD COLUMN unreachable_reason TEXT;
        """,
    ),
    (
        9,
        "hashed event ids and invitation codes, erasable links to answers, imported files",
        # sha256_hex is a function the connection provides (Database.open). Old rows are
        # converted, not dropped, so a redelivery arriving across the upgrade is still known.
        """
        UPDATE processed_events SET event_id = sha256_hex(channel || ':' || event_id);
        UPDATE invitations SET code = sha256_hex('invitation:' || code);
        DROP TRIGGER survey_responses_append_only;
        CREATE TRIGGER survey_responses_append_only BEFORE UPDATE OF
            id, submitted_at, service_id, channel, ticket_id, ticketed, profile,
            u1, u2, u3, u4, u5, u6, u7, u8, u9, import_batch, questionnaire_version
        ON survey_responses BEGIN
            SELECT RAISE(ABORT, 'a stored response is never changed');
        END;
        -- Erasing a person's data unlinks their answers and drops their words; nothing else.
        CREATE TRIGGER survey_responses_only_erased BEFORE UPDATE OF respondent_key, suggestion
        ON survey_responses
        WHEN NEW.respondent_key IS NOT NULL AND NEW.respondent_key IS NOT OLD.respondent_key
          OR NEW.suggestion IS NOT NULL AND NEW.suggestion IS NOT OLD.suggestion
        BEGIN
            SELECT RAISE(ABORT, 'a stored response is only ever unlinked from its respondent');
        END;
        CREATE INDEX audit_log_actor ON audit_log (actor, action, at);
        CREATE TABLE imported_files (
            sha256      TEXT PRIMARY KEY,   -- of the file's bytes: the same file, renamed or not
            file_name   TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            responses   INTEGER NOT NULL
        ) WITHOUT ROWID;
        """,
    ),
    (
        10,
        "published results of earlier periods",
        """
        CREATE TABLE published_results (
            id            INTEGER PRIMARY KEY,
            period_first  TEXT NOT NULL,  -- local date, inclusive
            period_last   TEXT NOT NULL,
            respondents   INTEGER NOT NULL CHECK (respondents >= 0),
            nrr           TEXT NOT NULL CHECK (json_valid(nrr)),  -- {"U1": "3.88", ...}
            ikm           TEXT NOT NULL,  -- decimal text as published, e.g. "97.72"
            source        TEXT NOT NULL,
            entered_at    TEXT NOT NULL,
            UNIQUE (period_first, period_last),
            CHECK (period_first <= period_last)
        );
        """,
    ),
    (
        11,
        "how an unfinished follow-up plan is carried forward",
        """
        ALTER TABLE follow_up_plans ADD COLUMN strategy TEXT;
        ALTER TABLE follow_up_plans ADD COLUMN next_target TEXT;
        ALTER TABLE follow_up_plans ADD COLUMN stakeholder TEXT;
        """,
    ),
    (
        12,
        "published results, desk sign-in and edited content",
        # A publication is a snapshot: later imports never change what the public has seen.
        # At most one current (not withdrawn) publication per period. Links and sessions are
        # stored only as hashes of their tokens, so a copy of the database opens no desk.
        # Content edits are versions over the shipped files; data NULL restores the file.
        """
        CREATE TABLE publications (
            id              INTEGER PRIMARY KEY,
            period_key      TEXT NOT NULL,
            first_day       TEXT NOT NULL,
            last_day        TEXT NOT NULL,
            snapshot        TEXT NOT NULL CHECK (json_valid(snapshot)),
            published_at    TEXT NOT NULL,
            published_by    TEXT NOT NULL,
            withdrawn_at    TEXT,
            withdrawn_by    TEXT,
            withdraw_reason TEXT
        );
        CREATE UNIQUE INDEX publications_current ON publications (period_key)
            WHERE withdrawn_at IS NULL;
        CREATE TABLE desk_links (
            token_hash TEXT PRIMARY KEY,
            channel    TEXT NOT NULL,
            user_key   TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at    TEXT
        ) WITHOUT ROWID;
        CREATE TABLE desk_sessions (
            token_hash TEXT PRIMARY KEY,
            channel    TEXT NOT NULL,
            user_key   TEXT NOT NULL,
            csrf       TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            ended_at   TEXT
        ) WITHOUT ROWID;
        CREATE TABLE content_versions (
            id         INTEGER PRIMARY KEY,
            target     TEXT NOT NULL,   -- 'unit' or 'service:<id>'
            data       TEXT CHECK (data IS NULL OR json_valid(data)),
            changed    TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(changed)),
            author     TEXT NOT NULL,
            created_at TEXT NOT NULL,
            rollback_of INTEGER REFERENCES content_versions (id)
        );
        CREATE INDEX content_versions_target ON content_versions (target, id);
        """,
    ),
    (
        13,
        "kiosks at the counter and their pairing codes",
        # Codes and a kiosk's secret are kept only as hashes: a copy of the database pairs
        # no tablet. A kiosk holds at most one ticket waiting for the next person's survey.
        """
        CREATE TABLE kiosk_codes (
            code_hash  TEXT PRIMARY KEY,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at    TEXT
        ) WITHOUT ROWID;
        CREATE TABLE kiosks (
            id          INTEGER PRIMARY KEY,
            secret_hash TEXT NOT NULL UNIQUE,
            paired_by   TEXT NOT NULL,
            paired_at   TEXT NOT NULL,
            ticket      TEXT,
            ticket_set_at TEXT
        );
        CREATE INDEX kiosks_paired_by ON kiosks (paired_by);
        """,
    ),
    (14, "every unit-owned row carries its unit", _UNITS_14),
    (15, "channels and questionnaire versions per hour", _ORIGINS_15),
)
