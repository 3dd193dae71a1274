import SQLiteStore

/// The registry's tables, as identified migrations. Identifiers never change
/// once released; a second engine uses the same identifiers.
enum RegistrySchema {
    static let migrations: [Migration] = [
        Migration(id: "0001-registry", sql: """
            CREATE TABLE holders (
                ssn TEXT PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                phone TEXT,
                address TEXT,
                guardian_ssn TEXT,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            ) WITHOUT ROWID;

            CREATE TABLE applications (
                id INTEGER PRIMARY KEY,
                ssn TEXT NOT NULL REFERENCES holders(ssn),
                kind TEXT NOT NULL CHECK (kind IN ('first', 'replacement')),
                replaces_card TEXT,
                replacement_reason TEXT,
                stage TEXT NOT NULL,
                fee_fen INTEGER NOT NULL,
                rejection_reason TEXT,
                card_number TEXT UNIQUE,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE INDEX applications_by_ssn ON applications(ssn);

            CREATE TABLE cards (
                card_number TEXT PRIMARY KEY NOT NULL,
                card_id TEXT NOT NULL UNIQUE,
                ssn TEXT NOT NULL REFERENCES holders(ssn),
                application_id INTEGER REFERENCES applications(id),
                state TEXT NOT NULL CHECK (state IN
                    ('issued', 'active', 'locked', 'temporarilyLost', 'formallyLost', 'sealed', 'cancelled')),
                previous_state TEXT,
                loss_deadline INTEGER,
                electronic_credential INTEGER,
                replaced_by TEXT,
                updated_at INTEGER NOT NULL,
                CHECK ((state = 'temporarilyLost') = (loss_deadline IS NOT NULL))
            ) WITHOUT ROWID;
            CREATE INDEX cards_by_ssn ON cards(ssn);
            -- Only pending temporary losses are indexed: the keeper reads the
            -- minimum and the due range, never scanning the table.
            CREATE INDEX cards_by_loss_deadline ON cards(loss_deadline) WHERE loss_deadline IS NOT NULL;

            CREATE TABLE audit (
                seq INTEGER PRIMARY KEY,
                at INTEGER NOT NULL,
                actor TEXT NOT NULL,
                role TEXT NOT NULL,
                channel TEXT NOT NULL,
                service_point TEXT NOT NULL,
                action TEXT NOT NULL,
                outcome TEXT NOT NULL,
                card_number TEXT,
                ssn TEXT,
                application_id INTEGER,
                document TEXT NOT NULL,
                proxy_ssn TEXT,
                old_state TEXT,
                new_state TEXT,
                reason TEXT,
                detail TEXT,
                prev_hash BLOB NOT NULL,
                hash BLOB NOT NULL
            );
            CREATE INDEX audit_by_card ON audit(card_number) WHERE card_number IS NOT NULL;
            CREATE INDEX audit_by_ssn ON audit(ssn) WHERE ssn IS NOT NULL;
            -- The trail is append-only: the engine itself refuses edits.
            CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
                BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
            CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
                BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
            """),
        // Keyed entries (HMAC under a key outside the database), and the
        // append-only rule against INSERT OR REPLACE: REPLACE deletes the row
        // it conflicts with without firing DELETE triggers (unless
        // recursive_triggers is on), so an insert must never meet an existing seq.
        Migration(id: "0002-audit-keyed", sql: """
            ALTER TABLE audit ADD COLUMN keyed INTEGER NOT NULL DEFAULT 0 CHECK (keyed IN (0, 1));
            CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit
                WHEN EXISTS (SELECT 1 FROM audit WHERE seq = NEW.seq)
                BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
            """),
        // Counter services (issue 17): the card's generation and bank
        // function, the fee's settlement and a pending name change. Existing
        // rows keep their meaning: generation unknown, bank function not
        // recorded as opened, fees already charged counted as paid (free at 0),
        // and no pending name (a name change was applied at acceptance then).
        Migration(id: "0003-counter-services", sql: """
            ALTER TABLE cards ADD COLUMN generation INTEGER CHECK (generation BETWEEN 1 AND 9);
            ALTER TABLE cards ADD COLUMN bank_function TEXT NOT NULL DEFAULT 'notOpened'
                CHECK (bank_function IN ('notOpened', 'opened', 'reportedLost', 'closed'));
            ALTER TABLE applications ADD COLUMN fee_settlement TEXT NOT NULL DEFAULT 'paid'
                CHECK (fee_settlement IN ('free', 'paid', 'waived'));
            UPDATE applications SET fee_settlement = 'free' WHERE fee_fen = 0;
            ALTER TABLE applications ADD COLUMN new_name TEXT;
            """),
        // Applications record their channel, the day their card is expected
        // and how it is delivered (issue 17). Existing applications keep NULL:
        // made before channels were recorded, and shown without them.
        Migration(id: "0004-application-channel", sql: """
            ALTER TABLE applications ADD COLUMN channel TEXT CHECK (channel IN ('instant', 'counter', 'mobile'));
            ALTER TABLE applications ADD COLUMN expected_date TEXT;
            ALTER TABLE applications ADD COLUMN delivery TEXT;
            """),
        // Lock and unlock on the chip (issue 15): whether the chip's
        // application is blocked. Existing cards were never blocked on the
        // chip by sscard (lock changed the registry only): 0.
        Migration(id: "0005-chip-blocked", sql: """
            ALTER TABLE cards ADD COLUMN chip_blocked INTEGER NOT NULL DEFAULT 0 CHECK (chip_blocked IN (0, 1));
            """),
        // Production batches from the bank or card factory (issue 18): each
        // batch once, by id, with the digest that recognises a re-sent file;
        // each produced card's data until and after its binding. A card
        // number or chip identity appears once among produced cards, as
        // among cards.
        Migration(id: "0006-production-batches", sql: """
            CREATE TABLE production_batches (
                batch_id TEXT PRIMARY KEY NOT NULL,
                digest TEXT NOT NULL,
                row_count INTEGER NOT NULL,
                imported_at INTEGER NOT NULL,
                imported_by TEXT NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE produced_cards (
                application_id INTEGER PRIMARY KEY REFERENCES applications(id),
                batch_id TEXT NOT NULL REFERENCES production_batches(batch_id),
                card_number TEXT NOT NULL UNIQUE,
                card_id TEXT NOT NULL UNIQUE,
                spec_version TEXT NOT NULL,
                issue_date TEXT NOT NULL,
                expiry_date TEXT NOT NULL
            );
            CREATE INDEX produced_cards_by_batch ON produced_cards(batch_id);
            """),
        // Reports and the audit export (issue 18): the period's entries by
        // time (and by service point for an operator's own), an application's
        // acceptance entry, and the backlog by stage, each read by index.
        Migration(id: "0007-report-indexes", sql: """
            CREATE INDEX audit_by_time ON audit(at);
            CREATE INDEX audit_by_point_time ON audit(service_point, at);
            CREATE INDEX audit_by_application ON audit(application_id) WHERE application_id IS NOT NULL;
            CREATE INDEX applications_by_stage ON applications(stage);
            """),
        // A batch's one audit entry seals its produced cards (issue 18): the
        // batch records that entry's sequence. Batches imported before have
        // NULL, and an entry per application.
        Migration(id: "0008-batch-seal", sql: """
            ALTER TABLE production_batches ADD COLUMN audit_sequence INTEGER;
            """),
    ]
}
