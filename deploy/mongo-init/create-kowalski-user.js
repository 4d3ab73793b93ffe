// Creates the MongoDB user that the Kowalski services log in with, with readWrite on their database.
// The mongo image runs this script once, when it starts on an empty data volume, as the root user
// and with the database named by MONGO_INITDB_DATABASE selected.
const username = process.env.KOWALSKI_DATABASE_USERNAME;
const password = process.env.KOWALSKI_DATABASE_PASSWORD;
if (!username || !password) {
  throw new Error(
    'KOWALSKI_DATABASE_USERNAME or KOWALSKI_DATABASE_PASSWORD is missing in the environment of the mongo service: set both in .env'
  );
}
db.createUser({ user: username, pwd: password, roles: [{ role: 'readWrite', db: db.getName() }] });
print(`Created the MongoDB user ${username} with readWrite on ${db.getName()}`);
