"""The topic library's files: topic and IRO register import/export (:mod:`.topic_files`,
:mod:`.iro_files`) and the topic templates shipped as data (:mod:`.topic_templates`).
"""
