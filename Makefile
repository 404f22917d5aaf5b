# The two commands a newcomer needs (see README.md):
#   make run    build and start the whole product on embedded defaults
#   make test   every check and test, on SQLite and on MariaDB + Redis
.PHONY: run test

run:
	./scripts/run.sh

test:
	./scripts/test.sh
