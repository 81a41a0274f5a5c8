package io.zmtp.config.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.pattern.ValidatePattern;

import javax.sql.DataSource;

/**
 * The schema of a {@link PgConfigStore}: created or migrated by Flyway from
 * {@link PgConfigStore#MIGRATIONS} when a store opens. A database that a newer build migrated (a
 * migration this build does not know) is refused, not skipped.
 */
final class PgSchema {
    private PgSchema() {
    }

    /**
     * Brings the schema of the database behind {@code source} to this build's version.
     *
     * @throws ConfigStoreException when it cannot, with Flyway's reason on one line
     */
    static void migrate(DataSource source, String where) {
        try {
            Flyway.configure(PgSchema.class.getClassLoader())
                    .dataSource(source)
                    .locations(PgConfigStore.MIGRATIONS)
                    .failOnMissingLocations(true)
                    // a migration applied by a newer build is an error here, not something to skip
                    .ignoreMigrationPatterns(new ValidatePattern[0])
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new ConfigStoreException("cannot migrate the config store schema in " + where + ": "
                    + PgConfigStore.oneLine(e.getMessage()), e);
        }
    }
}
