DROP TABLE tribe_members;
DROP TABLE tribes;
