# Solution Labs: a host's calls for questions, the questions and their supports.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('communities', '0007_merge_parallel_work'),
        ('events', '0005_merge_parallel_work'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='LabCall',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('prompt', models.TextField(blank=True, help_text='Markdown.', verbose_name='invitation')),
                ('deadline', models.DateTimeField(verbose_name='deadline')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('host', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lab_calls', to='communities.host')),
            ],
            options={
                'verbose_name': 'Solution Lab call',
                'verbose_name_plural': 'Solution Lab calls',
                'ordering': ['-deadline', '-id'],
                'indexes': [models.Index(fields=['host', 'deadline'], name='events_labcall_host')],
            },
        ),
        migrations.CreateModel(
            name='LabQuestion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200, verbose_name='question')),
                ('context', models.TextField(help_text='Markdown.', verbose_name='context')),
                ('tried', models.TextField(blank=True, help_text='Markdown.', verbose_name='what has been tried')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='asked')),
                ('selected_at', models.DateTimeField(blank=True, null=True, verbose_name='selected')),
                ('outcome', models.TextField(blank=True, help_text='Markdown.', verbose_name='what came out of it')),
                ('outcome_at', models.DateTimeField(blank=True, null=True, verbose_name='outcome recorded')),
                ('author', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='lab_questions', to=settings.AUTH_USER_MODEL)),
                ('call', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='questions', to='events.labcall')),
                ('event', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='lab_questions', to='events.event', verbose_name='lab')),
                ('selected_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'Solution Lab question',
                'verbose_name_plural': 'Solution Lab questions',
                'ordering': ['created_at', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('event__isnull', True), ('selected_at__isnull', True)), models.Q(('event__isnull', False), ('selected_at__isnull', False)), _connector='OR'), name='events_labquestion_selected_with_event')],
            },
        ),
        migrations.CreateModel(
            name='LabSupport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='supported')),
                ('question', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='supports', to='events.labquestion')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lab_supports', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'Solution Lab support',
                'verbose_name_plural': 'Solution Lab supports',
                'ordering': ['created_at', 'id'],
                'constraints': [models.UniqueConstraint(fields=('question', 'user'), name='events_labsupport_once')],
            },
        ),
    ]
