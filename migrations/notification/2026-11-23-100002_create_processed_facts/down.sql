DROP TABLE processed_facts;
