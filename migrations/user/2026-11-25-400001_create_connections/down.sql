DROP TABLE connect_again;
DROP TABLE connections;
